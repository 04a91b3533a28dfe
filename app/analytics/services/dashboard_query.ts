import redis from '@adonisjs/redis/services/main'
import { requireTenant, tenantDb } from '#tenancy/index'
import { loadItemNames } from '#menu/index'
import { TieredCache } from '#core/cache/tiered_cache'
import { dayFiguresQuery } from '#analytics/services/day_figures'
import { addDays, daysBetween, today } from '#analytics/services/utc_days'

export const COUNTERS = ['uniqueSessions', 'menuViews', 'itemClicks', 'addToCarts', 'checkoutsStarted', 'orders', 'revenueMinor'] as const
type Counter = (typeof COUNTERS)[number]
export type DayFigures = Record<Counter, number> & { date: string; source: 'aggregate' | 'view' | 'live' | 'none' }
export type TopItem = { itemId: string; name: string; clicks: number; addedToCart: number; ordered: number }
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
export async function withCatalogNames<T extends { itemId: string }>(items: T[]): Promise<Array<T & { name: string }>> {
  const names = await loadItemNames(items.map((item) => item.itemId))
  return items.filter((item) => names.has(item.itemId)).map((item) => ({ ...item, name: names.get(item.itemId)! }))
}
export type Dashboard = {
  from: string
  to: string
  timezone: 'UTC'
  series: DayFigures[]
  totals: Record<Counter, number>
  funnel: Array<{ step: string; count: number; rateFromPrevious: number | null }>
  topItems: TopItem[]
}

const CACHE_TTL_SECONDS = 30
const cache = new TieredCache(redis.connection('main'), { name: 'analytics_dashboard', memoryMax: 2000, memoryTtlMs: 5000 })
const cacheKey = (merchantId: string, days: number, to: string) => `analytics:dashboard:${merchantId}:${to}:${days}`

function figures(row: Record<string, unknown>): Record<Counter, number> {
  return {
    uniqueSessions: Number(row.unique_sessions ?? 0),
    menuViews: Number(row.menu_views ?? 0),
    itemClicks: Number(row.item_clicks ?? 0),
    addToCarts: Number(row.add_to_carts ?? 0),
    checkoutsStarted: Number(row.checkouts_started ?? 0),
    orders: Number(row.orders ?? 0),
    revenueMinor: Number(row.revenue_minor ?? 0),
  }
}

/**
 * The CQRS read side of the dashboard (seed 4.2), on the read route of the shard router (a replica
 * when one is configured). Finished days come from the daily aggregates; a finished day not yet
 * aggregated (before the 02:00 run) from mv_merchant_daily_summary; today live from the events
 * (one partition). Cached for 30 s per merchant.
 */
export class DashboardQuery {
  async get(days: number, now = new Date()): Promise<Dashboard> {
    const { merchantId } = requireTenant()
    const to = today(now)
    await cache.listen()
    const { value } = await cache.getOrLoad(cacheKey(merchantId, days, to), CACHE_TTL_SECONDS, () => this.load(days, now))
    return value!
  }

  /** Drops one cached dashboard of a merchant (tests and tools that must read fresh figures). */
  async invalidate(merchantId: string, days: number, now = new Date()) {
    await cache.delete(cacheKey(merchantId, days, today(now)))
  }

  async load(days: number, now = new Date()): Promise<Dashboard> {
    const { merchantId } = requireTenant()
    const client = tenantDb()
    const to = today(now)
    const from = addDays(to, -(days - 1))
    const yesterday = addDays(to, -1)

    const aggregates = await client
      .from('analytics_daily_aggregates')
      .where('merchant_id', merchantId)
      .whereBetween('day', [from, yesterday])
      .select('*', client.raw('day::text AS day'))
    const byDay = new Map<string, DayFigures>()
    const topItems = new Map<string, ItemCounts>()
    for (const row of aggregates) {
      byDay.set(row.day, { date: row.day, source: 'aggregate', ...figures(row) })
      for (const item of topItemsFromJson(row.top_items)) {
        const seen = topItems.get(item.itemId) ?? { itemId: item.itemId, clicks: 0, addedToCart: 0, ordered: 0 }
        seen.clicks += item.clicks
        seen.addedToCart += item.addedToCart
        seen.ordered += item.ordered
        topItems.set(item.itemId, seen)
      }
    }

    const missing = days > 1 ? daysBetween(from, yesterday).filter((day) => !byDay.has(day)) : []
    if (missing.length) {
      const rows = await client
        .from('mv_merchant_daily_summary')
        .where('merchant_id', merchantId)
        .whereIn('date', missing)
        .select('*', client.raw('date::text AS day'))
      for (const row of rows) byDay.set(row.day, { date: row.day, source: 'view', ...figures(row) })
    }

    const live = dayFiguresQuery(merchantId, to)
    const todayRow = (await client.rawQuery(live.sql, live.bindings)).rows[0]
    byDay.set(to, { date: to, source: 'live', ...figures(todayRow) })

    const zero = Object.fromEntries(COUNTERS.map((counter) => [counter, 0])) as Record<Counter, number>
    const series = daysBetween(from, to).map((date) => byDay.get(date) ?? { date, source: 'none' as const, ...zero })
    const totals = { ...zero }
    for (const day of series) for (const counter of COUNTERS) totals[counter] += day[counter]
    // Unique sessions do not add up across days: the total is the sum of daily uniques, labelled so.
    const steps = [
      ['menu_view', totals.menuViews],
      ['item_click', totals.itemClicks],
      ['add_to_cart', totals.addToCarts],
      ['order_placed', totals.orders],
    ] as const
    const funnel = steps.map(([step, count], index) => {
      const previous = index > 0 ? steps[index - 1][1] : null
      return { step, count, rateFromPrevious: previous ? Math.round((count / previous) * 10000) / 10000 : null }
    })
    const ranked = [...topItems.values()].sort(
      (a, b) => b.ordered - a.ordered || b.clicks - a.clicks || b.addedToCart - a.addedToCart || a.itemId.localeCompare(b.itemId)
    )
    return { from, to, timezone: 'UTC', series, totals, funnel, topItems: (await withCatalogNames(ranked)).slice(0, 10) }
  }
}

export const dashboardQuery = new DashboardQuery()
