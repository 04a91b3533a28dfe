import redis from '@adonisjs/redis/services/main'
import string from '@adonisjs/core/helpers/string'
import { requireTenant, tenantDb } from '#tenancy/index'
import { loadItemNames } from '#menu/index'
import { SwrCache } from '#core/cache/swr_cache'
import { liveFiguresQuery, liveItemsQuery } from '#analytics/services/live_figures'
import { FIGURE_COLUMNS } from '#analytics/services/figures_sql'
import { addDays, daysBetween, localToday, zoneOf } from '#analytics/services/local_days'

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S
type Counter = CamelCase<(typeof FIGURE_COLUMNS)[number]>
export type DayFigures = Record<Counter, number> & {
  date: string
  source: 'aggregate' | 'live' | 'none'
}
export type TopItem = {
  itemId: string
  name: string
  clicks: number
  addedToCart: number
  ordered: number
}
type ItemCounts = Omit<TopItem, 'name'>

/** The aggregates store top_items as snake_case JSON of ids and counts (see daily_aggregator.ts). */
export function topItemsFromJson(json: unknown): ItemCounts[] {
  const stored = (Array.isArray(json) ? json : []) as Array<Record<string, any>>
  return stored.map((item) => ({
    itemId: String(item.item_id),
    clicks: Number(item.clicks ?? 0),
    addedToCart: Number(item.added_to_cart ?? 0),
    ordered: Number(item.ordered ?? 0),
  }))
}

/**
 * Names items from the current merchant's catalog, by id. Ids the catalog does not know (made up by a
 * client, or of another merchant) are dropped: neither their text nor a name sent with the events
 * reaches the dashboard or a briefing prompt. Order is kept.
 */
export async function withCatalogNames<T extends { itemId: string }>(
  items: T[]
): Promise<Array<T & { name: string }>> {
  const names = await loadItemNames(items.map((item) => item.itemId))
  return items
    .filter((item) => names.has(item.itemId))
    .map((item) => ({ ...item, name: names.get(item.itemId)! }))
}
export type Dashboard = {
  from: string
  to: string
  timezone: string
  series: DayFigures[]
  totals: Record<Counter, number>
  funnel: Array<{ step: string; label: string; sessions: number; rateFromPrevious: number | null }>
  topItems: TopItem[]
}

/**
 * Sessions that reached each step or a later one (figures_sql.ts): each step is a subset of the one
 * before, so no rate exceeds 100 %. Orders are not a step (they carry no menu session); they are in
 * the totals. Stable keys for code, labels for people.
 */
const FUNNEL = [
  { step: 'visited', label: 'Visited the menu', counter: 'uniqueSessions' },
  { step: 'opened_item', label: 'Opened an item', counter: 'itemSessions' },
  { step: 'added_to_cart', label: 'Added to cart', counter: 'cartSessions' },
  { step: 'started_checkout', label: 'Started checkout', counter: 'checkoutSessions' },
] as const

// Namespace: the merchant; key: the period. Redis `analytics_dashboard:<merchantId>:v<N>:<to>:<days>`.
const cache = new SwrCache(redis.connection('main'), {
  name: 'analytics_dashboard',
  ttlSeconds: 30,
  staleWhileRevalidateSeconds: 0,
  staleIfErrorSeconds: 0,
  memoryTtlMs: 5000,
  memoryMax: 2000,
})

/** figures_sql.ts's columns with their TypeScript names, worked out once. */
const COUNTER_COLUMNS = FIGURE_COLUMNS.map(
  (column) => [column, string.camelCase(column) as Counter] as const
)
const COUNTERS = COUNTER_COLUMNS.map(([, counter]) => counter)

function figures(row: Record<string, unknown>): Record<Counter, number> {
  return Object.fromEntries(
    COUNTER_COLUMNS.map(([column, counter]) => [counter, Number(row[column] ?? 0)])
  ) as Record<Counter, number>
}

function addItems(into: Map<string, ItemCounts>, items: ItemCounts[]) {
  for (const item of items) {
    const seen = into.get(item.itemId) ?? {
      itemId: item.itemId,
      clicks: 0,
      addedToCart: 0,
      ordered: 0,
    }
    seen.clicks += item.clicks
    seen.addedToCart += item.addedToCart
    seen.ordered += item.ordered
    into.set(item.itemId, seen)
  }
}

/**
 * The CQRS read side of the dashboard, on the read route of the shard router (a replica
 * when one is configured), in the merchant's local days. Aggregated days come from the daily
 * aggregates; the days after the last aggregated one (today, and yesterday before its local 02:00
 * aggregation) live from the events, with the same figures (figures_sql.ts). Cached for 30 s.
 */
export class DashboardQuery {
  async get(days: number, now = new Date()): Promise<Dashboard> {
    const { merchantId, timezone } = requireTenant()
    const to = localToday(timezone, now)
    await cache.listen()
    const entry = await cache.get(merchantId, `${to}:${days}`, () => this.load(days, now))
    return entry.value
  }

  /** Drops the merchant's cached dashboards in every process (tests and tools that must read fresh figures). */
  async invalidate(merchantId: string) {
    await cache.bump(merchantId)
  }

  async load(days: number, now = new Date()): Promise<Dashboard> {
    const { merchantId, timezone } = requireTenant()
    const zone = zoneOf(timezone)
    const client = tenantDb()
    const to = localToday(zone, now)
    const from = addDays(to, -(days - 1))

    const aggregates = await client
      .from('analytics_daily_aggregates')
      .where('merchant_id', merchantId)
      .whereBetween('day', [from, addDays(to, -1)])
      .orderBy('analytics_daily_aggregates.day')
      .select('*', client.raw('day::text AS day'))
    const byDay = new Map<string, DayFigures>()
    const topItems = new Map<string, ItemCounts>()
    for (const row of aggregates) {
      byDay.set(row.day, { date: row.day, source: 'aggregate', ...figures(row) })
      addItems(topItems, topItemsFromJson(row.top_items))
    }

    // Older days without a row had no events; days after the last aggregated one are not aggregated yet.
    const liveFrom = aggregates.length ? addDays(aggregates[aggregates.length - 1].day, 1) : from
    const live = liveFiguresQuery(merchantId, zone, liveFrom, to)
    const liveDays = await client.rawQuery(live.sql, live.bindings)
    for (const row of liveDays.rows) {
      byDay.set(row.day, { date: row.day, source: 'live', ...figures(row) })
    }
    const liveItems = liveItemsQuery(merchantId, zone, liveFrom, to)
    const liveItemRows = await client.rawQuery(liveItems.sql, liveItems.bindings)
    addItems(topItems, topItemsFromJson(liveItemRows.rows))

    const zero = Object.fromEntries(COUNTERS.map((counter) => [counter, 0])) as Record<
      Counter,
      number
    >
    const series = daysBetween(from, to).map(
      (date) =>
        byDay.get(date) ?? {
          date,
          source: date >= liveFrom ? ('live' as const) : ('none' as const),
          ...zero,
        }
    )
    const totals = { ...zero }
    // Unique sessions do not add up across days: the totals are sums of daily figures, labelled so.
    for (const day of series) for (const counter of COUNTERS) totals[counter] += day[counter]
    const funnel = FUNNEL.map(({ step, label, counter }, index) => {
      const previous = index > 0 ? totals[FUNNEL[index - 1].counter] : null
      const sessions = totals[counter]
      return {
        step,
        label,
        sessions,
        rateFromPrevious: previous ? Math.round((sessions / previous) * 10000) / 10000 : null,
      }
    })
    const ranked = [...topItems.values()].sort(
      (a, b) =>
        b.ordered - a.ordered ||
        b.clicks - a.clicks ||
        b.addedToCart - a.addedToCart ||
        a.itemId.localeCompare(b.itemId)
    )
    const named = await withCatalogNames(ranked)
    return {
      from,
      to,
      timezone: zone,
      series,
      totals,
      funnel,
      topItems: named.slice(0, 10),
    }
  }
}

export const dashboardQuery = new DashboardQuery()
