import db from '@adonisjs/lucid/services/db'
import { shardRouter } from '#tenancy/index'
import { dayBounds } from '#analytics/services/utc_days'

/** Items ranked per merchant and day; ordered quantity first, then clicks, then carts. */
export const TOP_ITEMS_PER_DAY = 10

/**
 * Aggregates one UTC day of one node in a single statement for every merchant on it (or one
 * merchant): counts, revenue and the ranked top items are upserted into analytics_daily_aggregates,
 * and a row whose merchant no longer has events that day (erased data) is deleted. Running it again
 * gives the same rows: it is a replace, never an increment. Items are kept by id only: a name sent by
 * a client is never read (readers take names from the catalog, see withCatalogNames).
 */
const AGGREGATE_DAY = `
WITH ev AS MATERIALIZED (
  SELECT merchant_id, shard_id, session_id, event_type, event_data
  FROM analytics_events
  WHERE created_at >= :start AND created_at < :end AND (:merchant::uuid IS NULL OR merchant_id = :merchant::uuid)
),
counts AS (
  SELECT merchant_id, min(shard_id) AS shard_id,
    COUNT(DISTINCT session_id) FILTER (WHERE event_type <> 'order_placed') AS unique_sessions,
    COUNT(*) FILTER (WHERE event_type = 'menu_view') AS menu_views,
    COUNT(*) FILTER (WHERE event_type = 'item_click') AS item_clicks,
    COUNT(*) FILTER (WHERE event_type = 'add_to_cart') AS add_to_carts,
    COUNT(*) FILTER (WHERE event_type = 'checkout_started') AS checkouts_started,
    COUNT(*) FILTER (WHERE event_type = 'order_placed') AS orders,
    COALESCE(SUM((event_data->>'total_minor')::bigint) FILTER (WHERE event_type = 'order_placed'), 0) AS revenue_minor
  FROM ev GROUP BY merchant_id
),
item_events AS (
  SELECT merchant_id, event_data->>'item_id' AS item_id,
    (event_type = 'item_click')::int AS clicks,
    CASE WHEN event_type = 'add_to_cart' THEN COALESCE((event_data->>'quantity')::int, 1) ELSE 0 END AS carted,
    0 AS ordered
  FROM ev WHERE event_type IN ('item_click', 'add_to_cart') AND event_data->>'item_id' IS NOT NULL
  UNION ALL
  SELECT ev.merchant_id, item->>'item_id', 0, 0, COALESCE((item->>'quantity')::int, 1)
  FROM ev CROSS JOIN LATERAL jsonb_array_elements(ev.event_data->'items') AS item
  WHERE ev.event_type = 'order_placed' AND jsonb_typeof(ev.event_data->'items') = 'array'
),
items AS (
  SELECT merchant_id, item_id, sum(clicks) AS clicks, sum(carted) AS carted, sum(ordered) AS ordered,
    row_number() OVER (PARTITION BY merchant_id ORDER BY sum(ordered) DESC, sum(clicks) DESC, sum(carted) DESC, item_id) AS rank
  FROM item_events GROUP BY merchant_id, item_id
),
top AS (
  SELECT merchant_id, jsonb_agg(jsonb_build_object(
      'item_id', item_id, 'clicks', clicks, 'added_to_cart', carted, 'ordered', ordered) ORDER BY rank) AS top_items
  FROM items WHERE rank <= ${TOP_ITEMS_PER_DAY} GROUP BY merchant_id
),
upserted AS (
  INSERT INTO analytics_daily_aggregates AS a (merchant_id, shard_id, day, unique_sessions, menu_views, item_clicks,
    add_to_carts, checkouts_started, orders, revenue_minor, top_items, aggregated_at)
  SELECT c.merchant_id, c.shard_id, :day::date, c.unique_sessions, c.menu_views, c.item_clicks, c.add_to_carts,
    c.checkouts_started, c.orders, c.revenue_minor, COALESCE(t.top_items, '[]'::jsonb), now()
  FROM counts c LEFT JOIN top t USING (merchant_id)
  ON CONFLICT (merchant_id, day) DO UPDATE SET
    unique_sessions = EXCLUDED.unique_sessions, menu_views = EXCLUDED.menu_views, item_clicks = EXCLUDED.item_clicks,
    add_to_carts = EXCLUDED.add_to_carts, checkouts_started = EXCLUDED.checkouts_started, orders = EXCLUDED.orders,
    revenue_minor = EXCLUDED.revenue_minor, top_items = EXCLUDED.top_items, aggregated_at = EXCLUDED.aggregated_at
  RETURNING a.merchant_id
),
stale AS (
  DELETE FROM analytics_daily_aggregates d
  WHERE d.day = :day::date AND (:merchant::uuid IS NULL OR d.merchant_id = :merchant::uuid)
    AND d.merchant_id NOT IN (SELECT merchant_id FROM upserted)
  RETURNING 1
)
SELECT (SELECT count(*) FROM upserted)::int AS merchants, (SELECT count(*) FROM stale)::int AS removed`

export type DayResult = { day: string; node: string; merchants: number; removed: number }

export class DailyAggregator {
  /** Aggregates `day` on every node (or only the node of `merchant`). */
  async aggregateDay(day: string, merchant?: { id: string; shardId: number }): Promise<DayResult[]> {
    const nodes = merchant ? [shardRouter.connectionForShard(merchant.shardId)] : shardRouter.nodes()
    const { start, end } = dayBounds(day)
    const results: DayResult[] = []
    for (const node of nodes) {
      const result = await db
        .connection(node, { mode: 'write' })
        // A null merchant means every merchant of the node (the SQL tests `:merchant IS NULL`).
        .rawQuery(AGGREGATE_DAY, { start, end, day, merchant: (merchant?.id ?? null) as string })
      results.push({ day, node, merchants: result.rows[0].merchants, removed: result.rows[0].removed })
    }
    return results
  }
}

export const dailyAggregator = new DailyAggregator()
