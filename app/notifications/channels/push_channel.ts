import webpush from 'web-push'
import { snakeKeys } from '#core/http/json_keys'
import { requireTenant, tenantDb } from '#tenancy/index'
import { notificationsConfig } from '#notifications/notifications_config'
import { publicTargets } from '#notifications/services/target_guard'
import {
  messageOf,
  PermanentDeliveryError,
  type NotificationChannel,
} from '#notifications/channels/channel'
import type { QueuedNotification } from '#notifications/types'

const URGENCY = { high: 'high', normal: 'normal', low: 'low' } as const

/**
 * Web Push (RFC 8030/8291) to a staff browser's subscription, authenticated with our VAPID keys.
 * A push service answering 404/410 says the subscription is gone: it is deleted and not retried.
 */
export class PushChannel implements NotificationChannel {
  async send(notification: QueuedNotification) {
    const vapid = notificationsConfig.vapid()
    if (!vapid) throw new PermanentDeliveryError('Web Push is not configured (VAPID keys missing)')
    const subscription = await tenantDb('write')
      .from('push_subscriptions')
      .where({ id: notification.recipient, merchant_id: requireTenant().merchantId })
      .first()
    if (!subscription) throw new PermanentDeliveryError('push subscription no longer exists')
    const message = messageOf(notification)
    const payload = JSON.stringify(
      snakeKeys({
        id: notification.id,
        event: notification.event,
        ...message,
        data: notification.payload.data,
      })
    )
    // web-push encrypts (aes128gcm) and signs (VAPID); we send through the checked client, like webhooks.
    const request = webpush.generateRequestDetails(
      {
        endpoint: subscription.endpoint,
        keys: { p256dh: subscription.p256dh, auth: subscription.auth },
      },
      payload,
      {
        vapidDetails: {
          subject: vapid.subject,
          publicKey: vapid.publicKey,
          privateKey: vapid.privateKey,
        },
        TTL: 3600,
        urgency: URGENCY[notification.priority],
      }
    )
    const status = await publicTargets.send(request.endpoint, {
      method: request.method,
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, String(value)])
      ),
      body: request.body ?? '',
      timeoutMs: notificationsConfig.webhookTimeoutMs,
    })
    if (status === 404 || status === 410) {
      await tenantDb('write').from('push_subscriptions').where('id', subscription.id).delete()
      throw new PermanentDeliveryError(`push subscription expired (HTTP ${status})`)
    }
    if (status < 200 || status >= 300) throw new Error(`push service answered HTTP ${status}`)
  }
}
