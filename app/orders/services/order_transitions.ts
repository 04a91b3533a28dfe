import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { requireTenant, shardRouter } from '#tenancy/index'
import { enqueueNotifications } from '#notifications/index'
import { NotFoundException } from '#core/exceptions/http_errors'
import { InvalidTransitionException, ReasonRequiredException } from '#orders/exceptions'
import { canMove, RELEASES_SLOT, type OrderStatus } from '#orders/order_status'
import type { OrderStatusChanged } from '#orders/events'
import { orderQueries } from '#orders/services/order_queries'
import { pickupSlots } from '#orders/services/pickup_slots'
import { orderPublisher } from '#orders/services/order_publisher'
import type { PresentedOrder } from '#orders/services/order_presenter'

const NEEDS_REASON: ReadonlySet<OrderStatus> = new Set(['rejected'])

/**
 * Staff move an order along its status machine. The order row is locked (SELECT ... FOR UPDATE)
 * for the check and the change, so two concurrent moves are serialised: the second one sees the
 * first one's status and is refused if it no longer applies. A rejected or cancelled order gives
 * its pickup slot place back in the same transaction; the notification rows commit with it.
 */
export async function transitionOrder(
  orderId: string,
  to: OrderStatus,
  options: { reason?: string; actorUserId: string | null }
) {
  if (NEEDS_REASON.has(to) && !options.reason) {
    throw new ReasonRequiredException({ field: 'reason' })
  }
  const merchantId = requireTenant().merchantId
  const { change, order } = await shardRouter.transaction(async (trx) => {
    const current = await trx
      .from('orders')
      .where({ merchant_id: merchantId, id: orderId })
      .select('id', 'status', 'number', 'pickup_slot_id')
      .forUpdate()
      .first()
    if (!current) throw new NotFoundException('Order not found')
    if (!canMove(current.status, to)) {
      throw new InvalidTransitionException(`An order that is ${current.status} cannot become ${to}`)
    }
    const [updated] = await trx
      .from('orders')
      .where({ merchant_id: merchantId, id: orderId })
      .update({ status: to, status_reason: options.reason ?? null, updated_at: new Date() })
      .returning(['updated_at'])
    if (RELEASES_SLOT.has(to) && current.pickup_slot_id)
      await pickupSlots.release(trx, current.pickup_slot_id)
    const fresh = await orderQueries.find(orderId, trx)
    const statusChange: OrderStatusChanged = {
      orderId,
      merchantId,
      number: current.number,
      from: current.status,
      to,
      reason: options.reason ?? null,
      actorUserId: options.actorUserId,
      changedAt: new Date(updated.updated_at).toISOString(),
    }
    await notifyChanged(trx, statusChange, fresh)
    return { change: statusChange, order: fresh }
  })
  orderPublisher.statusChanged(change, order)
  return order
}

/** The merchant routes each status (order.accepted, order.ready ...) to the channels it wants. */
async function notifyChanged(
  trx: TransactionClientContract,
  change: OrderStatusChanged,
  order: PresentedOrder
) {
  const reason = change.reason ? ` (${change.reason})` : ''
  await enqueueNotifications(trx, {
    event: `order.${change.to}`,
    payload: {
      orderId: order.id,
      number: order.number,
      from: change.from,
      status: change.to,
      reason: change.reason,
    },
    message: {
      title: `Order #${order.number} is ${change.to}`,
      body: `Your order #${order.number} is now ${change.to}${reason}.`,
    },
    recipients: {
      email: order.customer.email ? [order.customer.email] : [],
      sms: order.customer.phone ? [order.customer.phone] : [],
    },
    priority: change.to === 'ready' ? 'high' : 'normal',
    idempotencyKey: `order:${order.id}:${change.to}`,
  })
}
