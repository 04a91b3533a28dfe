/**
 * The orders module's public surface. Other modules import from here only.
 *
 * Domain events (typed in the Adonis EventsList, emitted after the order's transaction commits):
 *   emitter.on('order.created', (event: OrderCreated) => ...)   // analytics, loyalty ...
 *   emitter.on('order.status_changed', ...), emitter.on('order.completed', ...)
 */
export { ORDER_EVENTS } from '#orders/events'
export type {
  OrderCreated,
  OrderStatusChanged,
  OrderCompleted,
  OrderEventItem,
} from '#orders/events'
export { ORDER_STATUSES, TRANSITIONS } from '#orders/order_status'
export type { OrderStatus } from '#orders/order_status'
/** Read service: one order of the current merchant (throws NotFound for another merchant's id). */
export { orderQueries } from '#orders/services/order_queries'
export type { PresentedOrder } from '#orders/services/order_presenter'
