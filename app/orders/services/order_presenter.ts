import type { OrderStatus } from '#orders/order_status'

/** An orders row as ORDER_SELECT reads it (business_date as text). */
export type OrderRow = {
  id: string
  merchant_id: string
  number: number
  business_date: string
  status: OrderStatus
  status_reason: string | null
  customer_user_id: string | null
  customer_name: string | null
  customer_email: string | null
  customer_phone: string | null
  pickup_slot_id: string | null
  pickup_at: Date | null
  currency: string
  subtotal_minor: number
  total_minor: number
  notes: string | null
  created_at: Date
  updated_at: Date
}

/** A chosen modifier as priced at order time (order_items.modifiers). */
export type OrderedModifier = {
  group_id: string
  group_name: string
  option_id: string
  name: string
  price_delta_minor: number
}

/** An order_items row. */
export type OrderItemRow = {
  id: string
  order_id: string
  merchant_id: string
  position: number
  menu_item_id: string
  name: string
  quantity: number
  base_price_minor: number
  modifiers: OrderedModifier[]
  unit_price_minor: number
  line_total_minor: number
  notes: string | null
}

export type PresentedOrder = ReturnType<typeof presentOrder>

const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null)

export function presentItem(row: OrderItemRow) {
  return {
    id: row.id,
    menu_item_id: row.menu_item_id,
    name: row.name,
    quantity: row.quantity,
    base_price_minor: row.base_price_minor,
    modifiers: row.modifiers,
    unit_price_minor: row.unit_price_minor,
    line_total_minor: row.line_total_minor,
    notes: row.notes,
  }
}

export function presentOrder(order: OrderRow, items: OrderItemRow[]) {
  return {
    id: order.id,
    number: order.number,
    business_date: order.business_date,
    status: order.status,
    status_reason: order.status_reason,
    customer: {
      name: order.customer_name,
      email: order.customer_email,
      phone: order.customer_phone,
      user_id: order.customer_user_id,
    },
    pickup: { slot_id: order.pickup_slot_id, at: iso(order.pickup_at) },
    currency: order.currency,
    subtotal_minor: order.subtotal_minor,
    total_minor: order.total_minor,
    notes: order.notes,
    items: [...items].sort((a, b) => a.position - b.position).map(presentItem),
    created_at: iso(order.created_at),
    updated_at: iso(order.updated_at),
  }
}

/** The columns to read for an order (business_date as text: a DATE must not become a local-midnight Date). */
export const ORDER_COLUMNS = [
  'id',
  'merchant_id',
  'number',
  'status',
  'status_reason',
  'customer_user_id',
  'customer_name',
  'customer_email',
  'customer_phone',
  'pickup_slot_id',
  'pickup_at',
  'currency',
  'subtotal_minor',
  'total_minor',
  'notes',
  'created_at',
  'updated_at',
]
export const ORDER_SELECT = `${ORDER_COLUMNS.join(', ')}, business_date::text AS business_date`
