import { tenantDb, requireTenant } from '#tenancy/index'
import { addDays, topItemsFromJson, withCatalogNames, type TopItem } from '#analytics/index'

/** Metric names are the aggregate columns' names (they also appear as values in the stored figures). */
export const METRICS = [
  'menu_views',
  'item_clicks',
  'add_to_carts',
  'orders',
  'revenue_minor',
] as const
export type Metric = (typeof METRICS)[number]
export type MetricChange = {
  metric: Metric
  day: number
  weekAverage: number
  changePct: number | null
}
export type ItemMove = { itemId: string; name: string; day: number; weekAverage: number }

/** What a briefing is written from: one local day of the merchant against the average of the 7 days before it. */
export type BriefingFigures = {
  day: string
  hasData: boolean
  changes: MetricChange[]
  topItems: Array<TopItem>
  fallingItems: ItemMove[]
  anomalies: MetricChange[]
}

/** An anomaly: at least 50 % away from the week's average, on a metric that usually has some volume. */
const ANOMALY_PCT = 50
const ANOMALY_MIN_AVERAGE = 5
const round1 = (value: number) => Math.round(value * 10) / 10

/** Item activity used to rank items: ordered counts most, clicks break ties. */
const activity = (item: Pick<TopItem, 'ordered' | 'clicks'>) => item.ordered * 10 + item.clicks

export async function loadBriefingFigures(day: string): Promise<BriefingFigures> {
  const { merchantId } = requireTenant()
  const client = tenantDb()
  const rows = await client
    .from('analytics_daily_aggregates')
    .where('merchant_id', merchantId)
    .whereBetween('day', [addDays(day, -7), day])
    .select('*', client.raw('day::text AS day'))
  const target = rows.find((row) => row.day === day)
  const week = rows.filter((row) => row.day !== day)

  const changes = METRICS.map((metric) => {
    const value = Number(target?.[metric] ?? 0)
    const weekAverage = round1(week.reduce((sum, row) => sum + Number(row[metric]), 0) / 7)
    const changePct = weekAverage > 0 ? round1(((value - weekAverage) / weekAverage) * 100) : null
    return { metric, day: value, weekAverage, changePct }
  })

  const named = await withCatalogNames(topItemsFromJson(target?.top_items))
  const dayItems = new Map<string, TopItem>(named.map((item) => [item.itemId, item]))
  const weekTotals = new Map<string, number>()
  for (const row of week) {
    for (const item of topItemsFromJson(row.top_items))
      weekTotals.set(item.itemId, (weekTotals.get(item.itemId) ?? 0) + activity(item))
  }
  const weekItems = await withCatalogNames(
    [...weekTotals.entries()].map(([itemId, total]) => ({ itemId, total }))
  )
  const fallingItems = weekItems
    .map(({ itemId, name, total }) => ({
      itemId,
      name,
      day: dayItems.has(itemId) ? activity(dayItems.get(itemId)!) : 0,
      weekAverage: round1(total / 7),
    }))
    .filter((item) => item.weekAverage > 0 && item.day < item.weekAverage / 2)
    .sort(
      (a, b) => b.weekAverage - b.day - (a.weekAverage - a.day) || a.itemId.localeCompare(b.itemId)
    )
    .slice(0, 3)

  return {
    day,
    hasData: Boolean(target) || week.length > 0,
    changes,
    topItems: [...dayItems.values()].slice(0, 3),
    fallingItems,
    anomalies: changes.filter(
      (change) =>
        change.weekAverage >= ANOMALY_MIN_AVERAGE &&
        change.changePct !== null &&
        Math.abs(change.changePct) >= ANOMALY_PCT
    ),
  }
}
