import { useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { ApiError, time, weekday } from '../shared/api'
import { useStaffApi } from './session'
import { useOptimistic } from './optimistic'

type ModuleStatus = { module: string; enabled: boolean; source: string; depends_on: string[]; reason: string | null }
type NotificationSettings = { routes: Record<string, string[]>; webhook_url: string | null }
type Slot = { id: string; starts_at: string; capacity: number; booked: number; is_active: boolean }

const CHANNELS = ['email', 'push', 'webhook', 'sms']
const EVENTS = ['order.created', 'order.status_changed', 'chat.message_received']

export function Settings({ modules }: { modules: ModuleStatus[] }) {
  const enabled = new Set(modules.filter((m) => m.enabled).map((m) => m.module))
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {enabled.has('notifications') && <Notifications />}
      {enabled.has('orders') && <PickupSlots />}
      <div className="card">
        <h2>Modules</h2>
        <table>
          <thead><tr><th scope="col">Module</th><th scope="col">Status</th><th scope="col">Why</th></tr></thead>
          <tbody>
            {modules.map((m) => (
              <tr key={m.module}>
                <td>{m.module}</td>
                <td>{m.enabled ? 'On' : 'Locked'}</td>
                <td className="muted">{m.enabled ? `from ${m.source}` : (m.reason ?? 'not available')}{m.depends_on.length ? ` · needs ${m.depends_on.join(', ')}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function Notifications() {
  const staffApi = useStaffApi()
  const settings = useQuery({ queryKey: ['notification-settings'], queryFn: () => staffApi<{ data: NotificationSettings }>('/api/v1/notifications/settings') })
  const [webhook, setWebhook] = useState<string | null>(null)
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null)
  const { edit, message } = useOptimistic<{ data: NotificationSettings }>(['notification-settings'])
  if (!settings.data) return null
  const routes = settings.data.data.routes ?? {}

  function toggle(event: string, channel: string) {
    const current = routes[event] ?? []
    const next = { ...routes, [event]: current.includes(channel) ? current.filter((c) => c !== channel) : [...current, channel] }
    edit({
      what: `The ${channel} setting for ${event}`,
      send: () => staffApi('/api/v1/notifications/settings', { method: 'PUT', body: { routes: next } }),
      apply: (s) => ({ data: { ...s.data, routes: next } }),
    })
  }

  async function saveWebhook(event: React.FormEvent) {
    event.preventDefault()
    try {
      await staffApi('/api/v1/notifications/settings', { method: 'PUT', body: { webhook_url: webhook || null } })
      setStatus({ ok: true, text: 'Webhook saved' })
      settings.refetch()
    } catch (failure) {
      setStatus({ ok: false, text: failure instanceof ApiError ? failure.message : 'Not saved' })
    }
  }

  return (
    <div className="card">
      <h2>Notifications</h2>
      {message && <p className="error" role="alert">{message}</p>}
      <table>
        <thead><tr><th scope="col">Event</th>{CHANNELS.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
        <tbody>
          {EVENTS.map((event) => (
            <tr key={event}>
              <td>{event}</td>
              {CHANNELS.map((channel) => (
                <td key={channel}>
                  <input type="checkbox" aria-label={`${event} by ${channel}`} checked={(routes[event] ?? []).includes(channel)} onChange={() => toggle(event, channel)} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={saveWebhook}>
        <label htmlFor="webhook">Webhook URL</label>
        <div className="row">
          <input id="webhook" type="url" placeholder="https://example.com/hooks/gudbro" value={webhook ?? settings.data.data.webhook_url ?? ''} onChange={(e) => setWebhook(e.target.value)} style={{ flex: 1 }} />
          <button type="submit">Save</button>
        </div>
        {status && <p className={status.ok ? 'notice' : 'error'} role="status">{status.text}</p>}
      </form>
    </div>
  )
}

function PickupSlots() {
  const staffApi = useStaffApi()
  const key = ['pickup-slots']
  const slots = useQuery({ queryKey: key, queryFn: () => staffApi<{ data: Slot[] }>('/api/v1/orders/pickup-slots') })
  const { edit, message } = useOptimistic<{ data: Slot[] }>(key)
  const patch = (slot: Slot, body: Partial<Slot>, what: string) =>
    edit({
      what,
      send: () => staffApi(`/api/v1/orders/pickup-slots/${slot.id}`, { method: 'PATCH', body }),
      apply: (s) => ({ data: s.data.map((x) => (x.id === slot.id ? { ...x, ...body } : x)) }),
    })
  return (
    <div className="card">
      <h2>Pickup slots</h2>
      {message && <p className="error" role="alert">{message}</p>}
      <table>
        <thead><tr><th scope="col">Starts</th><th scope="col">Booked</th><th scope="col">Capacity</th><th scope="col">Open</th></tr></thead>
        <tbody>
          {(slots.data?.data ?? []).slice(0, 48).map((slot) => (
            <tr key={slot.id}>
              <td>{weekday(slot.starts_at)} {time(slot.starts_at)}</td>
              <td>{slot.booked}</td>
              <td>
                <label className="sr-only" htmlFor={`cap-${slot.id}`}>Capacity at {time(slot.starts_at)}</label>
                <input id={`cap-${slot.id}`} type="number" min={0} max={10000} defaultValue={slot.capacity} key={slot.capacity} style={{ width: '5rem' }}
                  onBlur={(e) => Number(e.target.value) !== slot.capacity && patch(slot, { capacity: Number(e.target.value) }, `Capacity ${e.target.value}`)} />
              </td>
              <td>
                <input type="checkbox" aria-label={`Slot at ${time(slot.starts_at)} open`} checked={slot.is_active} onChange={(e) => patch(slot, { is_active: e.target.checked }, 'The slot switch')} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
