import db from '@adonisjs/lucid/services/db'
import { merchantDirectory, shardRouter } from '#tenancy/index'
import { dayBounds, zoneOf } from '#analytics/services/local_days'
import {
  FIGURES_SELECT,
  FIGURE_COLUMNS,
  RANKED_ITEMS,
  TOP_ITEMS_PER_DAY,
} from '#analytics/services/figures_sql'

/** A merchant as the aggregation needs it: where its rows live and which clock its days follow. */
export type MerchantClock = { id: string; shardId: number; timezone: string }

/**
 * Aggregates one local day of a set of merchants sharing a node and a time zone, in one statement:
 * figures and the ranked top items are upserted into analytics_daily_aggregates, and a row whose
 * merchant no longer has events that day (erased data) is deleted. Running it again gives the same
 * rows: it is a replace, never an increment.
 */
const AGGREGATE_DAY = `
WITH ev AS MATERIALIZED (
  SELECT merchant_id, shard_id, session_id, event_type, event_data
  FROM analytics_events
  WHERE created_at >= :start AND created_at < :end AND merchant_id = ANY(:merchants::uuid[])
),
counts AS (
  SELECT merchant_id, min(shard_id) AS shard_id, ${FIGURES_SELECT}
  FROM ev GROUP BY merchant_id
),
top AS (
  SELECT merchant_id, jsonb_agg(jsonb_build_object(
      'item_id', item_id, 'clicks', clicks, 'added_to_cart', carted, 'ordered', ordered) ORDER BY rank) AS top_items
  FROM (${RANKED_ITEMS}) items WHERE rank <= ${TOP_ITEMS_PER_DAY} GROUP BY merchant_id
),
upserted AS (
  INSERT INTO analytics_daily_aggregates AS a (merchant_id, shard_id, day, ${FIGURE_COLUMNS.join(', ')}, top_items, aggregated_at)
  SELECT c.merchant_id, c.shard_id, :day::date, ${FIGURE_COLUMNS.map((column) => `c.${column}`).join(', ')},
    COALESCE(t.top_items, '[]'::jsonb), now()
  FROM counts c LEFT JOIN top t USING (merchant_id)
  ON CONFLICT (merchant_id, day) DO UPDATE SET
    ${FIGURE_COLUMNS.map((column) => `${column} = EXCLUDED.${column}`).join(', ')},
    top_items = EXCLUDED.top_items, aggregated_at = EXCLUDED.aggregated_at
  RETURNING a.merchant_id
),
stale AS (
  DELETE FROM analytics_daily_aggregates d
  WHERE d.day = :day::date AND d.merchant_id = ANY(:merchants::uuid[])
    AND d.merchant_id NOT IN (SELECT merchant_id FROM upserted)
  RETURNING 1
)
SELECT (SELECT count(*) FROM upserted)::int AS merchants, (SELECT count(*) FROM stale)::int AS removed`

export type DayResult = {
  day: string
  node: string
  timezone: string
  merchants: number
  removed: number
}

export class DailyAggregator {
  /**
   * Aggregates the local `day` of one merchant, or of every active merchant with one statement per
   * node and time zone (the day's bounds are the zone's).
   */
  async aggregateDay(day: string, only?: MerchantClock): Promise<DayResult[]> {
    const groups = new Map<string, { node: string; timezone: string; ids: string[] }>()
    for (const clock of only ? [only] : await merchantDirectory.activeMerchantClocks()) {
      const node = shardRouter.connectionForShard(clock.shardId)
      const timezone = zoneOf(clock.timezone)
      const key = `${node} ${timezone}`
      if (!groups.has(key)) groups.set(key, { node, timezone, ids: [] })
      groups.get(key)!.ids.push(clock.id)
    }
    const results: DayResult[] = []
    for (const { node, timezone, ids } of groups.values()) {
      const { start, end } = dayBounds(day, timezone)
      const result = await db
        .connection(node, { mode: 'write' })
        .rawQuery(AGGREGATE_DAY, { start, end, day, merchants: `{${ids.join(',')}}` })
      results.push({
        day,
        node,
        timezone,
        merchants: result.rows[0].merchants,
        removed: result.rows[0].removed,
      })
    }
    return results
  }
}

export const dailyAggregator = new DailyAggregator()
