import { useEffect, useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, money, shopToday, time } from '../shared/api'
import { useSession, useStaffApi } from './session'
import { staffSocket, useConnected } from './staff_socket'
import { chime } from './kitchen_cue'

type Order = { id: string; number: number; status: string; customer: { name: string | null }; pickup: { at: string | null }; total_minor: number; currency: string; items: Array<{ id: string; name: string; quantity: number; modifiers: Array<{ name?: string }> }> }

const COLUMNS = [
  { status: 'pending', title: 'New', next: 'accepted', action: 'Accept' },
  { status: 'accepted', title: 'Accepted', next: 'preparing', action: 'Start preparing' },
  { status: 'preparing', title: 'Preparing', next: 'ready', action: 'Mark ready' },
  { status: 'ready', title: 'Ready', next: 'completed', action: 'Picked up' },
] as const

const KEY = ['kitchen-orders']

/**
 * Today's open orders by status. The socket pushes new orders and moves; after any reconnect the
 * board refetches, so nothing missed while offline stays missing.
 */
export function KitchenBoard() {
  const { session } = useSession()
  const staffApi = useStaffApi()
  const client = useQueryClient()
  const socket = staffSocket(session.token)
  const connected = useConnected(socket)
  const [fresh, setFresh] = useState<Set<string>>(new Set())
  const [announcement, setAnnouncement] = useState('')
  const [error, setError] = useState<string | null>(null)

  const orders = useQuery({
    queryKey: KEY,
    queryFn: async () => {
      const today = shopToday()
      const pages = await Promise.all(
        COLUMNS.map((c) => staffApi<{ data: Order[] }>(`/api/v1/orders?status=${c.status}&date=${today}&per_page=100`))
      )
      return pages.flatMap((page) => page.data)
    },
  })

  useEffect(() => {
    const upsert = (order: Order) => {
      client.setQueryData<Order[]>(KEY, (list = []) => [...list.filter((o) => o.id !== order.id), order])
      // A list read already in flight was started before this event: redo it rather than let it win.
      if (client.isFetching({ queryKey: KEY })) client.invalidateQueries({ queryKey: KEY })
    }
    const onCreated = ({ order }: { order: Order }) => {
      upsert(order)
      setFresh((ids) => new Set(ids).add(order.id))
      setAnnouncement(`New order #${order.number}`)
      chime()
      setTimeout(() => setFresh((ids) => (ids.delete(order.id), new Set(ids))), 15_000)
    }
    const onChanged = ({ order }: { order: Order }) => upsert(order)
    const onConnect = () => client.invalidateQueries({ queryKey: KEY })
    socket.on('order.created', onCreated)
    socket.on('order.status_changed', onChanged)
    socket.on('connect', onConnect)
    return () => {
      socket.off('order.created', onCreated)
      socket.off('order.status_changed', onChanged)
      socket.off('connect', onConnect)
    }
  }, [socket, client])

  const move = useMutation({
    mutationFn: ({ order, status, reason }: { order: Order; status: string; reason?: string }) =>
      staffApi<{ data: Order }>(`/api/v1/orders/${order.id}/status`, { method: 'PATCH', body: { status, reason } }),
    onSuccess: (result) => client.setQueryData<Order[]>(KEY, (list = []) => [...list.filter((o) => o.id !== result.data.id), result.data]),
    onError: (failure) => {
      setError(failure instanceof ApiError ? failure.message : 'Could not update the order')
      client.invalidateQueries({ queryKey: KEY })
    },
  })

  const list = orders.data ?? []
  // Orders that are done (completed, rejected, cancelled) leave the board: only the columns' statuses show.
  return (
    <section aria-labelledby="kitchen-title">
      <div className="row">
        <h1 id="kitchen-title">Kitchen</h1>
        <span className={connected ? 'live on' : 'live off'} role="status">{connected ? 'Live' : 'Reconnecting…'}</span>
      </div>
      <p className="sr-only" aria-live="assertive">{announcement}</p>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="board">
        {COLUMNS.map((column) => {
          const cards = list.filter((o) => o.status === column.status).sort((a, b) => (a.pickup.at ?? '').localeCompare(b.pickup.at ?? ''))
          return (
            <section key={column.status} className="column" aria-labelledby={`col-${column.status}`} data-status={column.status}>
              <h2 id={`col-${column.status}`}>{column.title} <span className="count">{cards.length}</span></h2>
              {cards.map((order) => (
                <article key={order.id} className={`ticket${fresh.has(order.id) ? ' fresh' : ''}`} aria-label={`Order ${order.number}`}>
                  <header className="row">
                    <strong>#{order.number}</strong>
                    <span>{order.customer.name}</span>
                    <span className="muted">pickup {time(order.pickup.at)}</span>
                  </header>
                  <ul>
                    {order.items.map((line) => (
                      <li key={line.id}>
                        {line.quantity} × {line.name}
                        {line.modifiers?.length ? <span className="muted"> · {line.modifiers.map((m) => m.name).join(', ')}</span> : null}
                      </li>
                    ))}
                  </ul>
                  <div className="row">
                    <span className="muted">{money(order.total_minor, order.currency)}</span>
                    {column.status === 'pending' && (
                      <button
                        type="button"
                        className="secondary"
                        disabled={move.isPending}
                        onClick={() => {
                          // The customer sees the reason on their order page.
                          const reason = prompt(`Why reject order #${order.number}?`)?.trim()
                          if (reason) move.mutate({ order, status: 'rejected', reason })
                        }}
                      >
                        Reject
                      </button>
                    )}
                    <button type="button" disabled={move.isPending} onClick={() => move.mutate({ order, status: column.next })}>
                      {column.action}
                    </button>
                  </div>
                </article>
              ))}
            </section>
          )
        })}
      </div>
    </section>
  )
}
