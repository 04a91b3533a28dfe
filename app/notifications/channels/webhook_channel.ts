import { snakeKeys } from '#core/http/json_keys'
import { settingsService } from '#notifications/services/settings_service'
import { signWebhook } from '#notifications/services/webhook_signature'
import { publicTargets } from '#notifications/services/target_guard'
import { notificationsConfig } from '#notifications/notifications_config'
import { PermanentDeliveryError, type NotificationChannel } from '#notifications/channels/channel'
import type { QueuedNotification } from '#notifications/types'

/**
 * The shape of the webhook body (docs/decisions/notifications.md). Receivers outside parse it: a
 * change they would notice ships under a new version.
 */
export const WEBHOOK_API_VERSION = '2026-12-01'

/**
 * JSON POST to the merchant's URL, signed with the merchant's secret. 2xx within the timeout is
 * delivered; anything else is retried. `Gudbro-Delivery` is the row id: the same on every retry, so a
 * receiver can drop a repeat of a delivery it already acted on.
 */
export class WebhookChannel implements NotificationChannel {
  async send(notification: QueuedNotification) {
    const settings = await settingsService.find()
    if (!settings || !notification.recipient)
      throw new PermanentDeliveryError('webhook is not configured')
    const body = JSON.stringify(
      snakeKeys({
        apiVersion: WEBHOOK_API_VERSION,
        id: notification.id,
        event: notification.event,
        merchantId: notification.merchant_id,
        createdAt: new Date(notification.created_at).toISOString(),
        data: notification.payload.data ?? {},
      })
    )
    const status = await publicTargets.send(notification.recipient, {
      method: 'POST',
      body,
      timeoutMs: notificationsConfig.webhookTimeoutMs,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'gudbro-webhooks/1',
        'Gudbro-Event': notification.event,
        'Gudbro-Delivery': notification.id,
        'Gudbro-Signature': signWebhook(settings.webhookSecret, body),
      },
    })
    if (status >= 300 && status < 400)
      throw new Error(`webhook answered HTTP ${status} (redirects are not followed)`)
    if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`)
  }
}
