import type { OrderStatus } from '#orders/order_status'

/** One line of an order as other modules see it. */
export type OrderEventItem = {
  itemId: string
  name: string
  quantity: number
  unitPriceMinor: number
  lineTotalMinor: number
}

/**
 * Domain events of the orders module. Emitted after the order's transaction has
 * committed, never awaited by the request: listeners do their own I/O (queue a job, write a row).
 */
export type OrderCreated = {
  orderId: string
  merchantId: string
  number: number
  status: 'pending'
  totalMinor: number
  currency: string
  items: OrderEventItem[]
  pickupAt: string | null
  customerUserId: string | null
  createdAt: string
}

export type OrderStatusChanged = {
  orderId: string
  merchantId: string
  number: number
  from: OrderStatus
  to: OrderStatus
  reason: string | null
  actorUserId: string | null
  changedAt: string
}

export type OrderCompleted = {
  orderId: string
  merchantId: string
  number: number
  totalMinor: number
  currency: string
  createdAt: string
  completedAt: string
}

export const ORDER_EVENTS = {
  CREATED: 'order.created',
  STATUS_CHANGED: 'order.status_changed',
  COMPLETED: 'order.completed',
} as const

declare module '@adonisjs/core/types' {
  interface EventsList {
    'order.created': OrderCreated
    'order.status_changed': OrderStatusChanged
    'order.completed': OrderCompleted
  }
}
