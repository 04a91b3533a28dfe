import { useEffect, useRef, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { money } from '../shared/api'
import { useStaffApi } from './session'

type Day = { date: string; menu_views: number; item_clicks: number; add_to_carts: number; orders: number; revenue_minor: number }
type Dashboard = { series: Day[]; funnel: Array<{ step: string; label: string; sessions: number; rate_from_previous: number | null }>; top_items: Array<{ item_id: string; name: string | null; clicks: number; added_to_cart: number; ordered: number }> }
type Briefing = { id: string; day: string; headline: string; body: string }

/** A daily line chart; uPlot draws on canvas, so the figures are also given as a table for screen readers. */
function DailyChart({ series }: { series: Day[] }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!box.current) return
    // Dates are the shop's local days: placed at the browser's midnight so uPlot labels them as written.
    const x = series.map((d) => Date.parse(`${d.date}T00:00:00`) / 1000)
    const plot = new uPlot(
      {
        width: Math.min(box.current.clientWidth || 600, 900),
        height: 240,
        series: [{}, { label: 'Menu views', stroke: '#1d4ed8' }, { label: 'Added to cart', stroke: '#b45309' }, { label: 'Orders', stroke: '#15803d', width: 2 }],
        axes: [{}, {}],
      },
      [x, series.map((d) => d.menu_views), series.map((d) => d.add_to_carts), series.map((d) => d.orders)],
      box.current
    )
    return () => plot.destroy()
  }, [series])
  return <div ref={box} className="chart" role="img" aria-label="Menu views, items added to cart and orders per day" />
}

export function Analytics({ briefings }: { briefings: boolean }) {
  const staffApi = useStaffApi()
  const [days, setDays] = useState(14)
  const dashboard = useQuery({ queryKey: ['dashboard', days], queryFn: () => staffApi<{ data: Dashboard }>(`/api/v1/analytics/dashboard?days=${days}`) })
  const latest = useQuery({
    queryKey: ['briefings'],
    enabled: briefings,
    queryFn: () => staffApi<{ data: Briefing[] }>('/api/v1/analytics/briefings?limit=1'),
  })
  const data = dashboard.data?.data
  const revenue = data?.series.reduce((sum, d) => sum + d.revenue_minor, 0) ?? 0

  return (
    <section aria-labelledby="analytics-title">
      <div className="row">
        <h1 id="analytics-title">Analytics</h1>
        <label htmlFor="days" className="sr-only">Period</label>
        <select id="days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          <option value={7}>Last 7 days</option>
          <option value={14}>Last 14 days</option>
          <option value={30}>Last 30 days</option>
        </select>
      </div>
      {briefings && (
        <article className="card briefing" aria-labelledby="briefing-title">
          <h2 id="briefing-title">Latest briefing</h2>
          {latest.data?.data[0] ? (
            <>
              <p><strong>{latest.data.data[0].headline}</strong> <span className="muted">({latest.data.data[0].day})</span></p>
              <p style={{ whiteSpace: 'pre-line' }}>{latest.data.data[0].body}</p>
            </>
          ) : (
            <p className="muted">No briefing yet: the first one is written the morning after a day with activity.</p>
          )}
        </article>
      )}
      {dashboard.isError && <p className="error" role="alert">The dashboard could not be loaded.</p>}
      {data && (
        <>
          <div className="card">
            <h2>Per day</h2>
            <p>Revenue in the period: <strong>{money(revenue)}</strong></p>
            <DailyChart series={data.series} />
          </div>
          <div className="grid-2">
            <div className="card">
              <h2>Funnel</h2>
              <p className="muted">Visits (menu sessions) per step. Orders are counted apart: staff and phone orders have no visit.</p>
              <ol className="funnel">
                {data.funnel.map((step) => (
                  <li key={step.step}>
                    <span>{step.label}</span>
                    <meter min={0} max={Math.max(1, data.funnel[0]?.sessions ?? 1)} value={step.sessions} aria-label={step.label} />
                    <span>{step.sessions}{step.rate_from_previous !== null ? ` (${Math.round(step.rate_from_previous * 100)} %)` : ''}</span>
                  </li>
                ))}
              </ol>
            </div>
            <div className="card">
              <h2>Top items</h2>
              <table>
                <thead><tr><th scope="col">Item</th><th scope="col">Ordered</th><th scope="col">Carts</th><th scope="col">Clicks</th></tr></thead>
                <tbody>
                  {data.top_items.map((item) => (
                    <tr key={item.item_id}><td>{item.name ?? item.item_id}</td><td>{item.ordered}</td><td>{item.added_to_cart}</td><td>{item.clicks}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  )
}
