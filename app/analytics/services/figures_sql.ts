/**
 * The day figures, defined once. The aggregation (daily_aggregator.ts) and the dashboard's live days
 * (live_figures.ts) select these over a relation `ev` of analytics_events rows (columns session_id,
 * event_type, event_data), grouped by whatever they group by (merchant, or local date).
 *
 * Unique sessions are client sessions: an order's synthetic session is not a visit. The funnel counts
 * sessions that reached a step or a later one (adding to cart implies the item was seen), so each
 * step is a subset of the one before and no rate can exceed 100 %. Orders are not a funnel step: an
 * order carries no menu session (staff and phone orders have none), so they are counted on their own.
 */
export const FIGURES_SELECT = `
  COUNT(DISTINCT session_id) FILTER (WHERE event_type <> 'order_placed')::int AS unique_sessions,
  COUNT(DISTINCT session_id) FILTER (WHERE event_type IN ('item_click', 'add_to_cart', 'checkout_started'))::int AS item_sessions,
  COUNT(DISTINCT session_id) FILTER (WHERE event_type IN ('add_to_cart', 'checkout_started'))::int AS cart_sessions,
  COUNT(DISTINCT session_id) FILTER (WHERE event_type = 'checkout_started')::int AS checkout_sessions,
  COUNT(*) FILTER (WHERE event_type = 'menu_view')::int AS menu_views,
  COUNT(*) FILTER (WHERE event_type = 'item_click')::int AS item_clicks,
  COUNT(*) FILTER (WHERE event_type = 'add_to_cart')::int AS add_to_carts,
  COUNT(*) FILTER (WHERE event_type = 'checkout_started')::int AS checkouts_started,
  COUNT(*) FILTER (WHERE event_type = 'order_placed')::int AS orders,
  COALESCE(SUM((event_data->>'total_minor')::bigint) FILTER (WHERE event_type = 'order_placed'), 0)::bigint AS revenue_minor`

/** The columns FIGURES_SELECT yields, in order (the aggregates table has one column per name). */
export const FIGURE_COLUMNS = [
  'unique_sessions',
  'item_sessions',
  'cart_sessions',
  'checkout_sessions',
  'menu_views',
  'item_clicks',
  'add_to_carts',
  'checkouts_started',
  'orders',
  'revenue_minor',
] as const

/**
 * One row per item touch over `ev` (which must also have merchant_id): clicks and carted quantities
 * from client events, ordered quantities from order_placed items. Items are kept by id only: a name
 * sent by a client is never read (readers take names from the catalog).
 */
export const ITEM_TOUCHES = `
  SELECT merchant_id, event_data->>'item_id' AS item_id,
    (event_type = 'item_click')::int AS clicks,
    CASE WHEN event_type = 'add_to_cart' THEN COALESCE((event_data->>'quantity')::int, 1) ELSE 0 END AS carted,
    0 AS ordered
  FROM ev WHERE event_type IN ('item_click', 'add_to_cart') AND event_data->>'item_id' IS NOT NULL
  UNION ALL
  SELECT ev.merchant_id, item->>'item_id', 0, 0, COALESCE((item->>'quantity')::int, 1)
  FROM ev CROSS JOIN LATERAL jsonb_array_elements(ev.event_data->'items') AS item
  WHERE ev.event_type = 'order_placed' AND jsonb_typeof(ev.event_data->'items') = 'array'`

/** Items ranked per merchant: ordered quantity first, then clicks, then carts. */
export const TOP_ITEMS_PER_DAY = 10
export const RANKED_ITEMS = `
  SELECT merchant_id, item_id, sum(clicks)::int AS clicks, sum(carted)::int AS carted, sum(ordered)::int AS ordered,
    row_number() OVER (PARTITION BY merchant_id ORDER BY sum(ordered) DESC, sum(clicks) DESC, sum(carted) DESC, item_id) AS rank
  FROM (${ITEM_TOUCHES}) touches GROUP BY merchant_id, item_id`
