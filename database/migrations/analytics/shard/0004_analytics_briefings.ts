import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/** AI daily briefings: one per merchant and day (regenerating a day replaces it). */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE analytics_briefings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  day date NOT NULL,
  provider text NOT NULL,
  headline text NOT NULL,
  body text NOT NULL,
  figures jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, day)
);
CREATE INDEX analytics_briefings_merchant_day ON analytics_briefings (merchant_id, day DESC);
${tenantTableShardGuards('analytics_briefings')}
`)
  }

  async down() {
    this.schema.raw('DROP TABLE IF EXISTS analytics_briefings')
  }
}
