import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * A merchant's audit rows move with its shard (docs/decisions/shard_moves.md). A publication's row
 * filter takes plain columns, not the merchant hash, so the shard node's audit log carries shard_id like
 * every tenant table; platform rows (no merchant) have none and never move.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
ALTER TABLE audit_log ADD COLUMN shard_id integer;
UPDATE audit_log SET shard_id = assign_shard(merchant_id) WHERE merchant_id IS NOT NULL;
${tenantTableShardGuards('audit_log')}
`)
  }

  async down() {
    this.schema.raw(`
DROP TRIGGER IF EXISTS audit_log_set_shard_id ON audit_log;
ALTER TABLE audit_log DROP COLUMN IF EXISTS shard_id;
`)
  }
}
