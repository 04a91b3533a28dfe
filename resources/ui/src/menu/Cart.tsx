import { useEffect, useRef, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { api, ApiError, money, time, weekday } from '../shared/api'
import type { Tracker } from './analytics'
import { unitPrice, type CartLine, type Slot } from './types'

export const trackingKey = (orderId: string) => `gudbro.tracking.${orderId}`

/** The cart, the pickup slot and the customer's name; places the order once (Idempotency-Key per attempt). */
export function Cart(props: {
  slug: string
  lines: CartLine[]
  tracker: Tracker
  onChange: (lines: CartLine[]) => void
  onClose: () => void
  onPlaced: (orderId: string) => void
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const [name, setName] = useState(localStorage.getItem('gudbro.name') ?? '')
  const [contact, setContact] = useState(localStorage.getItem('gudbro.contact') ?? '')
  const [slotId, setSlotId] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [key] = useState(() => crypto.randomUUID())
  const base = `/api/v1/orders/m/${encodeURIComponent(props.slug)}`
  const slots = useQuery({ queryKey: ['slots', props.slug], queryFn: () => api<{ data: Slot[] }>(`${base}/pickup-slots/open`) })
  const open = (slots.data?.data ?? []).filter((s) => !s.is_full)
  const total = props.lines.reduce((sum, line) => sum + unitPrice(line) * line.quantity, 0)
  const currency = props.lines[0]?.item.currency ?? 'EUR'

  useEffect(() => {
    dialog.current?.showModal()
    props.tracker.track('checkout_started', { cart_value_minor: total, item_count: props.lines.length })
  }, [])
  useEffect(() => {
    if (!slotId && open[0]) setSlotId(open[0].id)
  }, [open, slotId])

  function setQuantity(line: CartLine, quantity: number) {
    if (quantity < line.quantity) props.tracker.track('remove_from_cart', { item_id: line.item.id, quantity: line.quantity - quantity })
    props.onChange(quantity <= 0 ? props.lines.filter((l) => l !== line) : props.lines.map((l) => (l === line ? { ...l, quantity } : l)))
  }

  async function place(event: React.FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      localStorage.setItem('gudbro.name', name)
      localStorage.setItem('gudbro.contact', contact)
      const reach = contact.includes('@') ? { email: contact.trim() } : { phone: contact.replace(/[\s()-]/g, '') }
      const result = await api<{ data: { id: string; tracking_token: string } }>(base, {
        method: 'POST',
        headers: { 'Idempotency-Key': key },
        body: {
          pickup_slot_id: slotId,
          customer: { name, ...reach },
          items: props.lines.map((l) => ({ item_id: l.item.id, quantity: l.quantity, option_ids: l.options.map((o) => o.id) })),
        },
      })
      localStorage.setItem(trackingKey(result.data.id), result.data.tracking_token)
      props.onPlaced(result.data.id)
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The order could not be sent. Check your connection and try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <dialog ref={dialog} className="sheet" aria-labelledby="cart-title" onClose={props.onClose}>
      <h2 id="cart-title">Your order</h2>
      <ul className="cart-lines">
        {props.lines.map((line) => (
          <li key={line.key}>
            <div>
              <strong>{line.item.name}</strong>
              {line.options.length > 0 && <div className="muted">{line.options.map((o) => o.name).join(', ')}</div>}
            </div>
            <div className="row">
              <button type="button" className="secondary" aria-label={`One less ${line.item.name}`} onClick={() => setQuantity(line, line.quantity - 1)}>−</button>
              <span aria-label="Quantity">{line.quantity}</span>
              <button type="button" className="secondary" aria-label={`One more ${line.item.name}`} onClick={() => setQuantity(line, line.quantity + 1)}>+</button>
              <span>{money(unitPrice(line) * line.quantity, currency)}</span>
            </div>
          </li>
        ))}
      </ul>
      <p><strong>Total {money(total, currency)}</strong></p>
      <form onSubmit={place}>
        <label htmlFor="customer-name">Your name</label>
        <input id="customer-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoComplete="given-name" />
        <label htmlFor="customer-contact">Email or phone (+country code), for updates</label>
        <input id="customer-contact" required maxLength={254} value={contact} onChange={(e) => setContact(e.target.value)} autoComplete="email" />
        <label htmlFor="pickup-slot">Pickup time</label>
        <select id="pickup-slot" required value={slotId} onChange={(e) => setSlotId(e.target.value)}>
          {open.length === 0 && <option value="">No pickup times left</option>}
          {open.map((slot) => (
            <option key={slot.id} value={slot.id}>
              {weekday(slot.starts_at)} {time(slot.starts_at)} ({slot.remaining} left)
            </option>
          ))}
        </select>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="row sheet-actions">
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>Keep browsing</button>
          <button type="submit" disabled={busy || !slotId || props.lines.length === 0}>{busy ? 'Placing…' : 'Place order'}</button>
        </div>
      </form>
    </dialog>
  )
}
