import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * One row per merchant and UTC day, written by the daily aggregation (an idempotent upsert).
 * Money is in minor units of the merchant's currency; top_items is a small ranked JSON array.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE analytics_daily_aggregates (
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  day date NOT NULL,
  unique_sessions integer NOT NULL DEFAULT 0,
  menu_views integer NOT NULL DEFAULT 0,
  item_clicks integer NOT NULL DEFAULT 0,
  add_to_carts integer NOT NULL DEFAULT 0,
  checkouts_started integer NOT NULL DEFAULT 0,
  orders integer NOT NULL DEFAULT 0,
  revenue_minor bigint NOT NULL DEFAULT 0,
  top_items jsonb NOT NULL DEFAULT '[]',
  aggregated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, day)
);
${tenantTableShardGuards('analytics_daily_aggregates')}
`)
  }

  async down() {
    this.schema.raw('DROP TABLE IF EXISTS analytics_daily_aggregates')
  }
}
