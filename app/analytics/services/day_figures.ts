import { dayBounds } from '#analytics/services/utc_days'

/**
 * The live figures of one merchant for one UTC day, straight from analytics_events (the dashboard's
 * "today"). The created_at range lies inside one month, so the planner prunes every other partition
 * (and the default one); the (merchant_id, created_at) index narrows the rest.
 */
export function dayFiguresQuery(merchantId: string, day: string): { sql: string; bindings: Array<string | Date> } {
  const { start, end } = dayBounds(day)
  return {
    sql: `
SELECT
  COUNT(DISTINCT session_id) FILTER (WHERE event_type <> 'order_placed')::int AS unique_sessions,
  COUNT(*) FILTER (WHERE event_type = 'menu_view')::int AS menu_views,
  COUNT(*) FILTER (WHERE event_type = 'item_click')::int AS item_clicks,
  COUNT(*) FILTER (WHERE event_type = 'add_to_cart')::int AS add_to_carts,
  COUNT(*) FILTER (WHERE event_type = 'checkout_started')::int AS checkouts_started,
  COUNT(*) FILTER (WHERE event_type = 'order_placed')::int AS orders,
  COALESCE(SUM((event_data->>'total_minor')::bigint) FILTER (WHERE event_type = 'order_placed'), 0)::bigint AS revenue_minor
FROM analytics_events
WHERE merchant_id = ? AND created_at >= ? AND created_at < ?`,
    bindings: [merchantId, start, end],
  }
}
