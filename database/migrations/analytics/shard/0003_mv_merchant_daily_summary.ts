import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Seed 056: the hourly read model of the last 90 days. The unique index is what allows
 * REFRESH ... CONCURRENTLY (readers are never blocked). Days are UTC days, like the aggregates;
 * revenue is the sum of order_placed totals in minor units.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE MATERIALIZED VIEW mv_merchant_daily_summary AS
SELECT
  merchant_id,
  (created_at AT TIME ZONE 'UTC')::date AS date,
  COUNT(DISTINCT session_id) FILTER (WHERE event_type <> 'order_placed') AS unique_sessions,
  COUNT(*) FILTER (WHERE event_type = 'menu_view') AS menu_views,
  COUNT(*) FILTER (WHERE event_type = 'item_click') AS item_clicks,
  COUNT(*) FILTER (WHERE event_type = 'add_to_cart') AS add_to_carts,
  COUNT(*) FILTER (WHERE event_type = 'checkout_started') AS checkouts_started,
  COUNT(*) FILTER (WHERE event_type = 'order_placed') AS orders,
  COALESCE(SUM((event_data->>'total_minor')::bigint) FILTER (WHERE event_type = 'order_placed'), 0) AS revenue_minor
FROM analytics_events
WHERE created_at >= CURRENT_DATE - INTERVAL '90 days'
GROUP BY merchant_id, (created_at AT TIME ZONE 'UTC')::date;

CREATE UNIQUE INDEX mv_merchant_daily_summary_merchant_date ON mv_merchant_daily_summary (merchant_id, date);

CREATE OR REPLACE FUNCTION refresh_merchant_summary() RETURNS void AS $$
BEGIN
  REFRESH MATERIALIZED VIEW CONCURRENTLY mv_merchant_daily_summary;
END;
$$ LANGUAGE plpgsql;
`)
  }

  async down() {
    this.schema.raw(`
DROP FUNCTION IF EXISTS refresh_merchant_summary();
DROP MATERIALIZED VIEW IF EXISTS mv_merchant_daily_summary;
`)
  }
}
