/**
 * The notifications module's public surface.
 *
 * Enqueue inside your own shard transaction, so the notifications commit with your change:
 *   await shardRouter.transaction(async (trx) => {
 *     const order = await createOrder(trx, ...)
 *     await enqueueNotifications(trx, { event: 'order.created', payload: { orderId: order.id }, recipients: { email: [customerEmail] } })
 *   })
 */
export { enqueueNotifications } from '#notifications/services/outbox'
export { registerSmsDriver } from '#notifications/channels/sms_channel'
export type { SmsDriver } from '#notifications/channels/sms_channel'
export { verifyWebhookSignature } from '#notifications/services/webhook_signature'
export { CHANNELS, PRIORITIES } from '#notifications/types'
export type { Channel, Priority, EnqueueInput, NotificationMessage } from '#notifications/types'
