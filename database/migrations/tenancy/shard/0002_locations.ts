import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/** A merchant's sites (its default pickup point and time zone); tenant rows on the shard nodes. */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE locations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  address text,
  timezone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_merchant_idx ON locations (merchant_id, created_at);
${tenantTableShardGuards('locations')}
`)
  }

  async down() {
    this.schema.raw('DROP TABLE IF EXISTS locations')
  }
}
