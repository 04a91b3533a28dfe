/** Rows of orders and order_items as the API shows them (snake_case, like the menu). */
export type OrderRow = Record<string, any>

export type PresentedOrder = ReturnType<typeof presentOrder>

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null)

export function presentItem(row: OrderRow) {
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

export function presentOrder(order: OrderRow, items: OrderRow[]) {
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
