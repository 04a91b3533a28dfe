import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Daily aggregates are now per merchant-local day and carry the funnel's session counts (sessions
 * that reached an item, the cart, the checkout; see app/analytics/services/figures_sql.ts). Rows
 * written before this migration keep 0 there until `analytics:aggregate` rewrites them.
 *
 * mv_merchant_daily_summary goes: it grouped by UTC day and a view on a shard node cannot know each
 * merchant's time zone. The gap it filled (a finished day before its aggregation) is now at most the
 * merchant's yesterday before local 02:00, which the dashboard computes live from the events.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
ALTER TABLE analytics_daily_aggregates
  ADD COLUMN item_sessions integer NOT NULL DEFAULT 0,
  ADD COLUMN cart_sessions integer NOT NULL DEFAULT 0,
  ADD COLUMN checkout_sessions integer NOT NULL DEFAULT 0;
DROP FUNCTION IF EXISTS refresh_merchant_summary();
DROP MATERIALIZED VIEW IF EXISTS mv_merchant_daily_summary;
`)
  }

  async down() {
    this.schema.raw(`
ALTER TABLE analytics_daily_aggregates DROP COLUMN item_sessions, DROP COLUMN cart_sessions, DROP COLUMN checkout_sessions;
`)
  }
}
