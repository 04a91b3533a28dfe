import {
  contextFromMerchant,
  getTenant,
  merchantDirectory,
  runWithTenant,
  tenantDb,
} from '#tenancy/index'
import { eventIngestor } from '#analytics/services/event_ingestor'
import type { OrderCreated } from '#analytics/events'

/**
 * order.created -> one order_placed event, written by the server (clients cannot send it). The
 * session id is the order's, so orders never count as menu sessions. Replays of the same event
 * (an outbox relay after a crash) are ignored: at most one order_placed per order. The payload is
 * camelCase TypeScript; what is stored is snake_case JSON, like the client events.
 */
export async function recordOrderPlaced(order: OrderCreated) {
  const current = getTenant()
  if (current?.merchantId === order.merchantId) return record(order)
  const merchant = await merchantDirectory.byId(order.merchantId)
  if (!merchant) throw new Error(`order.created for unknown merchant ${order.merchantId}`)
  return runWithTenant(contextFromMerchant(merchant), () => record(order))
}

async function record(order: OrderCreated) {
  const createdAt = new Date(order.createdAt)
  if (Number.isNaN(createdAt.getTime()))
    throw new Error(`order.created ${order.orderId} has an invalid createdAt`)
  const already = await tenantDb('write')
    .from('analytics_events')
    .where({ merchant_id: order.merchantId, event_type: 'order_placed', created_at: createdAt })
    .whereRaw(`event_data->>'order_id' = ?`, [order.orderId])
    .first()
  if (already) return
  await eventIngestor.record(
    [
      {
        type: 'order_placed',
        sessionId: `order:${order.orderId}`,
        createdAt,
        data: {
          order_id: order.orderId,
          total_minor: order.totalMinor,
          currency: order.currency,
          items: order.items.map((item) => ({
            item_id: item.itemId,
            name: item.name,
            quantity: item.quantity,
          })),
        },
      },
    ],
    'server'
  )
}
