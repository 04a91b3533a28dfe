import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import { realtime } from '#core/realtime/realtime'
import type { OrderCompleted, OrderCreated, OrderStatusChanged } from '#orders/events'
import type { PresentedOrder } from '#orders/services/order_presenter'
import { orderRevenueMinor, ordersCreated, orderTransitions } from '#orders/metrics'
import '#orders/events'

/** Rooms that hear about an order: the merchant's kitchen and the order's own (its customer). */
export const kitchenRoom = (merchantId: string) => `merchant:${merchantId}:orders`
export const orderRoom = (orderId: string) => `order:${orderId}`

function broadcast(merchantId: string, orderId: string, event: string, payload: unknown) {
  try {
    realtime.broadcastToRoom(kitchenRoom(merchantId), event, payload)
    realtime.broadcastToRoom(orderRoom(orderId), event, payload)
  } catch (error) {
    logger.warn({ err: error, event, orderId }, 'order broadcast failed')
  }
}

/** Emits without waiting: listeners' I/O never holds the request that caused the event. */
function emitDetached<E extends 'order.created' | 'order.status_changed' | 'order.completed'>(
  event: E,
  payload: any
) {
  emitter
    .emit(event, payload)
    .catch((error: unknown) => logger.error({ err: error, event }, 'order event listener failed'))
}

/**
 * What follows a committed order change, in this process and without awaiting anything: metrics,
 * the typed domain events, and the realtime broadcasts. Call only after the transaction committed.
 */
export class OrderPublisher {
  created(merchantId: string, order: PresentedOrder) {
    ordersCreated.inc({ currency: order.currency })
    orderRevenueMinor.inc({ currency: order.currency }, order.total_minor)
    const event: OrderCreated = {
      orderId: order.id,
      merchantId,
      number: order.number,
      status: 'pending',
      totalMinor: order.total_minor,
      currency: order.currency,
      items: order.items.map((item) => ({
        itemId: item.menu_item_id,
        name: item.name,
        quantity: item.quantity,
        unitPriceMinor: item.unit_price_minor,
        lineTotalMinor: item.line_total_minor,
      })),
      pickupAt: order.pickup.at,
      customerUserId: order.customer.user_id,
      createdAt: order.created_at!,
    }
    emitDetached('order.created', event)
    broadcast(merchantId, order.id, 'order.created', { order })
  }

  statusChanged(change: OrderStatusChanged, order: PresentedOrder) {
    orderTransitions.inc({ to: change.to })
    emitDetached('order.status_changed', change)
    if (change.to === 'completed') {
      const completed: OrderCompleted = {
        orderId: order.id,
        merchantId: change.merchantId,
        number: order.number,
        totalMinor: order.total_minor,
        currency: order.currency,
        createdAt: order.created_at!,
        completedAt: change.changedAt,
      }
      emitDetached('order.completed', completed)
    }
    broadcast(change.merchantId, order.id, 'order.status_changed', { ...change, order })
  }
}

export const orderPublisher = new OrderPublisher()
