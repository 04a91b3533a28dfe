import { dayBounds, zoneOf } from '#analytics/services/local_days'
import { FIGURES_SELECT, ITEM_TOUCHES } from '#analytics/services/figures_sql'

type Query = { sql: string; bindings: Array<string | Date> }

/**
 * The events of one merchant over local days `from`..`to`, with each event's local date. The range
 * is a created_at range, so the planner prunes every partition outside it (usually one month, two
 * when the local days straddle a UTC month) and the (merchant_id, created_at) index narrows the rest.
 */
function events(merchantId: string, timezone: string, from: string, to: string): Query {
  const zone = zoneOf(timezone)
  return {
    sql: `WITH ev AS MATERIALIZED (
  SELECT merchant_id, session_id, event_type, event_data, (created_at AT TIME ZONE ?)::date::text AS day
  FROM analytics_events WHERE merchant_id = ? AND created_at >= ? AND created_at < ?
)`,
    bindings: [zone, merchantId, dayBounds(from, zone).start, dayBounds(to, zone).end],
  }
}

/** The dashboard's live days (today, and days not aggregated yet): the aggregation's figures per local date. */
export function liveFiguresQuery(
  merchantId: string,
  timezone: string,
  from: string,
  to: string
): Query {
  const ev = events(merchantId, timezone, from, to)
  return {
    sql: `${ev.sql} SELECT day, ${FIGURES_SELECT} FROM ev GROUP BY day`,
    bindings: ev.bindings,
  }
}

/** Item counts over the same live days, as the aggregation counts them. */
export function liveItemsQuery(
  merchantId: string,
  timezone: string,
  from: string,
  to: string
): Query {
  const ev = events(merchantId, timezone, from, to)
  return {
    sql: `${ev.sql} SELECT item_id, sum(clicks)::int AS clicks, sum(carted)::int AS added_to_cart, sum(ordered)::int AS ordered
FROM (${ITEM_TOUCHES}) touches GROUP BY item_id`,
    bindings: ev.bindings,
  }
}
