import { settingsService } from '#notifications/services/settings_service'
import { signWebhook } from '#notifications/services/webhook_signature'
import { assertPublicTarget } from '#notifications/services/target_guard'
import { notificationsConfig } from '#notifications/notifications_config'
import { PermanentDeliveryError, type NotificationChannel } from '#notifications/channels/channel'
import type { QueuedNotification } from '#notifications/types'

/**
 * JSON POST to the merchant's URL, signed with the merchant's secret. 2xx within the timeout is
 * delivered; anything else is retried. `Gudbro-Delivery` is the row id: the same on every retry, so a
 * receiver can drop a repeat of a delivery it already acted on.
 */
export class WebhookChannel implements NotificationChannel {
  async send(notification: QueuedNotification) {
    const settings = await settingsService.find()
    if (!settings || !notification.recipient) throw new PermanentDeliveryError('webhook is not configured')
    await assertPublicTarget(notification.recipient)
    const body = JSON.stringify({
      id: notification.id,
      event: notification.event,
      merchantId: notification.merchant_id,
      createdAt: new Date(notification.created_at).toISOString(),
      data: notification.payload.data ?? {},
    })
    const response = await fetch(notification.recipient, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(notificationsConfig.webhookTimeoutMs),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'gudbro-webhooks/1',
        'Gudbro-Event': notification.event,
        'Gudbro-Delivery': notification.id,
        'Gudbro-Signature': signWebhook(settings.webhookSecret, body),
      },
    })
    // Drain the body so the connection is released.
    await response.arrayBuffer().catch(() => undefined)
    if (response.status < 200 || response.status >= 300) throw new Error(`webhook answered HTTP ${response.status}`)
  }
}
