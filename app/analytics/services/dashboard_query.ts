import redis from '@adonisjs/redis/services/main'
import { requireTenant, tenantDb } from '#tenancy/index'
import { SwrCache } from '#core/cache/swr_cache'
import { dayFiguresQuery } from '#analytics/services/day_figures'
import { addDays, daysBetween, today } from '#analytics/services/utc_days'

export const COUNTERS = ['uniqueSessions', 'menuViews', 'itemClicks', 'addToCarts', 'checkoutsStarted', 'orders', 'revenueMinor'] as const
type Counter = (typeof COUNTERS)[number]
export type DayFigures = Record<Counter, number> & { date: string; source: 'aggregate' | 'view' | 'live' | 'none' }
export type TopItem = { itemId: string; name: string | null; clicks: number; addedToCart: number; ordered: number }

/** The aggregates store top_items as snake_case JSON (see daily_aggregator.ts); services use TopItem. */
export function topItemsFromJson(json: unknown): TopItem[] {
  const stored = (Array.isArray(json) ? json : []) as Array<Record<string, any>>
  return stored.map((item) => ({
    itemId: String(item.item_id),
    name: item.name ?? null,
    clicks: Number(item.clicks ?? 0),
    addedToCart: Number(item.added_to_cart ?? 0),
    ordered: Number(item.ordered ?? 0),
  }))
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

// Namespace: the merchant; key: the period. Redis `analytics_dashboard:<merchantId>:v<N>:<to>:<days>`.
const cache = new SwrCache(redis.connection('main'), {
  name: 'analytics_dashboard',
  ttlSeconds: 30,
  staleWhileRevalidateSeconds: 0,
  staleIfErrorSeconds: 0,
  memoryTtlMs: 5000,
  memoryMax: 2000,
})

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
    return (await cache.get(merchantId, `${to}:${days}`, () => this.load(days, now))).value
  }

  /** Drops the merchant's cached dashboards in every process (tests and tools that must read fresh figures). */
  async invalidate(merchantId: string) {
    await cache.bump(merchantId)
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
    const topItems = new Map<string, TopItem>()
    for (const row of aggregates) {
      byDay.set(row.day, { date: row.day, source: 'aggregate', ...figures(row) })
      for (const item of topItemsFromJson(row.top_items)) {
        const seen = topItems.get(item.itemId) ?? { itemId: item.itemId, name: item.name, clicks: 0, addedToCart: 0, ordered: 0 }
        seen.clicks += item.clicks
        seen.addedToCart += item.addedToCart
        seen.ordered += item.ordered
        seen.name ??= item.name
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
    return { from, to, timezone: 'UTC', series, totals, funnel, topItems: ranked.slice(0, 10) }
  }
}

export const dashboardQuery = new DashboardQuery()
