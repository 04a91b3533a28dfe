import type { BriefingFigures, Metric, MetricChange } from '#ai_briefings/figures'
import type { BriefingProvider, BriefingText } from '#ai_briefings/providers/briefing_provider'

const LABELS: Record<Metric, string> = {
  menu_views: 'Menu views',
  item_clicks: 'Item clicks',
  add_to_carts: 'Added to cart',
  orders: 'Orders',
  revenue_minor: 'Revenue',
}

const amount = (metric: Metric, value: number) =>
  metric === 'revenue_minor' ? (value / 100).toFixed(2) : String(value)

function change(c: MetricChange): string {
  if (c.changePct === null) return c.day > 0 ? 'new this week' : 'no activity this week'
  if (c.changePct === 0) return 'flat vs the 7-day average'
  return `${c.changePct > 0 ? '+' : ''}${c.changePct}% vs the 7-day average of ${amount(c.metric, c.weekAverage)}`
}

/**
 * The built-in writer: plain sentences from the numbers, identical for identical figures. It is the
 * default and the one the tests use; it also stands in when the remote provider has failed.
 */
export class LocalBriefingProvider implements BriefingProvider {
  readonly name = 'local'

  async write(figures: BriefingFigures): Promise<BriefingText> {
    const byMetric = Object.fromEntries(figures.changes.map((c) => [c.metric, c])) as Record<
      Metric,
      MetricChange
    >
    if (!figures.hasData) {
      return {
        headline: `${figures.day}: no menu activity yet`,
        body: 'Suggestion: share your menu QR code with guests so the daily figures can start.',
      }
    }
    const orders = byMetric.orders
    const revenue = byMetric.revenue_minor
    const headline = `${figures.day}: ${orders.day} orders (${change(orders)}), revenue ${amount('revenue_minor', revenue.day)}`

    const lines = ['What moved:']
    for (const c of figures.changes)
      lines.push(`- ${LABELS[c.metric]}: ${amount(c.metric, c.day)} (${change(c)})`)
    lines.push('Top items:')
    if (figures.topItems.length === 0) lines.push('- none')
    for (const item of figures.topItems)
      lines.push(`- ${item.name}: ${item.ordered} ordered, ${item.clicks} clicks`)
    lines.push('Falling items:')
    if (figures.fallingItems.length === 0) lines.push('- none')
    for (const item of figures.fallingItems) {
      lines.push(`- ${item.name}: activity ${item.day} vs ${item.weekAverage} a day last week`)
    }
    lines.push('Anomalies:')
    if (figures.anomalies.length === 0) lines.push('- none')
    for (const a of figures.anomalies)
      lines.push(
        `- ${LABELS[a.metric]} ${a.changePct! > 0 ? 'jumped' : 'dropped'} ${Math.abs(a.changePct!)}%`
      )
    lines.push(`Suggestion: ${this.#suggestion(figures, byMetric)}`)
    return { headline, body: lines.join('\n') }
  }

  #suggestion(figures: BriefingFigures, byMetric: Record<Metric, MetricChange>): string {
    const falling = figures.fallingItems[0]
    if (falling)
      return `put ${falling.name} back in view (first screen or a daily special): it fell well below last week.`
    const views = byMetric.menu_views
    const orders = byMetric.orders
    const conversion = (c: { views: number; orders: number }) =>
      c.views > 0 ? c.orders / c.views : 0
    if (
      views.weekAverage > 0 &&
      views.day > views.weekAverage &&
      conversion({ views: views.day, orders: orders.day }) <
        conversion({ views: views.weekAverage, orders: orders.weekAverage })
    ) {
      return 'more guests looked at the menu but fewer ordered: check item availability and the checkout.'
    }
    const top = figures.topItems[0]
    if (top) return `keep ${top.name} well stocked: it led the day.`
    return 'feature one item on the first screen of the menu and compare tomorrow.'
  }
}
