import { BaseSchema } from '@adonisjs/lucid/schema'
import { auditTrigger } from '#database/migrations/compliance/audit_sql'

/**
 * Shard operations in the audit log, with who asked and why: every flip of shard_map, every drain of
 * a node, and every move started (its progress updates, several a second, are not audit material).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
${auditTrigger('shard_map', { merchantColumn: null })}
${auditTrigger('shard_nodes', { merchantColumn: null })}
CREATE TRIGGER shard_moves_audit AFTER INSERT ON shard_moves
  FOR EACH ROW EXECUTE FUNCTION audit_trigger('-');
`)
  }

  async down() {
    this.schema.raw(`
DROP TRIGGER IF EXISTS shard_map_audit ON shard_map;
DROP TRIGGER IF EXISTS shard_nodes_audit ON shard_nodes;
DROP TRIGGER IF EXISTS shard_moves_audit ON shard_moves;
`)
  }
}
