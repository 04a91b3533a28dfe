/**
 * Loaded in every process with the module's listeners: plugs order tracking into the realtime hub.
 * - authenticator "tracking": { tracking_token } -> the order's room `order:<id>` only, while the merchant
 *   is active and has the orders module (the hub's admission check);
 * - room authorizer "order": the order's own tracking socket, or staff of the order's merchant;
 * - the kitchen room, which every staff socket of the merchant joins.
 */
import { realtime } from '#core/realtime/realtime'
import type { SocketIdentity } from '#core/realtime/types'
import { isUuid } from '#core/database/uuid'
import { runJobInTenant, tenantDb } from '#tenancy/index'
import { trackingTokens } from '#orders/tracking_token'
import { orderQueries } from '#orders/services/order_queries'
import { kitchenRoom, orderRoom } from '#orders/services/order_publisher'

async function authenticateTracking(
  credentials: Record<string, unknown>
): Promise<SocketIdentity | null> {
  const merchantId = trackingTokens.merchantOf(credentials.tracking_token)
  if (!merchantId) return null
  const order = await runJobInTenant({ merchantId }, () =>
    orderQueries.byTrackingToken(credentials.tracking_token)
  ).catch(() => null)
  if (!order) return null
  // module: the hub admits it only while the merchant has orders (and closes it when they are switched off).
  return {
    kind: 'tracking',
    merchantId,
    subject: order.id,
    rooms: [orderRoom(order.id)],
    module: 'orders',
  }
}

/** Runs inside the identity's merchant context (the hub does that). */
async function mayJoinOrderRoom(identity: SocketIdentity, room: string) {
  const orderId = room.slice('order:'.length)
  if (!isUuid(orderId)) return false
  if (identity.kind === 'tracking') return identity.subject === orderId
  if (identity.kind !== 'staff') return false
  const row = await tenantDb()
    .from('orders')
    .where({ merchant_id: identity.merchantId, id: orderId })
    .select('id')
    .first()
  return Boolean(row)
}

realtime.registerAuthenticator('tracking', authenticateTracking)
realtime.registerRoomAuthorizer('order', mayJoinOrderRoom)
realtime.addStaffRoom(kitchenRoom)

/** The registry only imports this file; the default export marks it as loaded. */
export default true
