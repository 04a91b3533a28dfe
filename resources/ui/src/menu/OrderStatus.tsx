import { useEffect } from 'react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { io } from 'socket.io-client'
import { api, money, time } from '../shared/api'
import { trackingKey } from './Cart'

const STEPS = ['pending', 'accepted', 'preparing', 'ready', 'completed']
const WORDS: Record<string, string> = {
  pending: 'Sent to the shop',
  accepted: 'Accepted',
  preparing: 'Being prepared',
  ready: 'Ready for pickup',
  completed: 'Picked up',
  rejected: 'Declined by the shop',
  cancelled: 'Cancelled',
}

/** The order followed live: its tracking token opens the order's socket room; a reconnect refetches. */
export function OrderStatus({ slug, orderId }: { slug: string; orderId: string }) {
  const token = localStorage.getItem(trackingKey(orderId))
  const client = useQueryClient()
  const queryKey = ['order', orderId]
  const order = useQuery({
    queryKey,
    enabled: Boolean(token),
    queryFn: () => api<{ data: any }>(`/api/v1/orders/m/${encodeURIComponent(slug)}/track`, { headers: { 'X-Tracking-Token': token! } }),
  })

  useEffect(() => {
    if (!token) return
    const socket = io({ auth: { tracking_token: token }, transports: ['websocket'] })
    socket.on('order.status_changed', (payload: { order: any }) => {
      client.setQueryData(queryKey, { data: payload.order })
      if (client.isFetching({ queryKey })) client.invalidateQueries({ queryKey })
    })
    socket.on('connect', () => client.invalidateQueries({ queryKey }))
    return () => {
      socket.close()
    }
  }, [token])

  if (!token) return <p className="error">This order was placed on another device.</p>
  if (!order.data) return <p aria-busy="true">Loading your order…</p>
  const data = order.data.data
  const reached = STEPS.indexOf(data.status)
  return (
    <section aria-labelledby="order-title" className="card">
      <h2 id="order-title">Order #{data.number}</h2>
      <p className="status-now" role="status" aria-live="polite" data-status={data.status}>
        {WORDS[data.status] ?? data.status}
      </p>
      {data.status_reason && <p>{data.status_reason}</p>}
      <ol className="steps">
        {STEPS.map((step, index) => (
          <li key={step} className={index <= reached ? 'done' : ''}>{WORDS[step]}</li>
        ))}
      </ol>
      <p>Pickup at {time(data.pickup.at)}</p>
      <ul>
        {data.items.map((line: any) => (
          <li key={line.id}>
            {line.quantity} × {line.name}
            {line.modifiers?.length ? ` (${line.modifiers.map((m: any) => m.name ?? m.option_name).join(', ')})` : ''}
          </li>
        ))}
      </ul>
      <p><strong>Total {money(data.total_minor, data.currency)}</strong></p>
    </section>
  )
}
