import app from '@adonisjs/core/services/app'
import { requireTenant, tenantDb } from '#tenancy/index'
import { channelClasses } from '#notifications/channels/registry'
import { PermanentDeliveryError } from '#notifications/channels/channel'
import { notificationOutcomes, notificationsCapped } from '#notifications/metrics'
import { sendCapReached, type SendCap } from '#notifications/services/send_caps'
import { notificationsConfig } from '#notifications/notifications_config'
import type { QueuedNotification } from '#notifications/types'

export type DeliveryResult =
  | { outcome: 'delivered' | 'skipped' }
  | { outcome: 'capped'; cap: SendCap }
  | { outcome: 'retry' | 'failed'; error: Error }

/**
 * Sends one outbox row at most once per claim. The claim is a single UPDATE over a row locked with
 * FOR UPDATE SKIP LOCKED: pending (or processing with an expired lease) becomes processing with a lease
 * and one more attempt. Whoever does not win the claim does nothing. Completion and failure are written
 * only by the claim that still owns the row (same attempt number), so a late worker cannot overwrite.
 */
export class Delivery {
  async claim(id: string): Promise<QueuedNotification | null> {
    const result = await tenantDb('write').rawQuery(
      `UPDATE notification_queue q
          SET status = 'processing', attempts = q.attempts + 1, updated_at = now(),
              locked_until = now() + make_interval(secs => ?)
         FROM (SELECT id FROM notification_queue
                WHERE id = ? AND merchant_id = ? AND attempts < max_attempts
                  AND (status = 'pending' OR (status = 'processing' AND locked_until < now()))
                FOR UPDATE SKIP LOCKED) claimable
        WHERE q.id = claimable.id
        RETURNING q.*`,
      [notificationsConfig.leaseSeconds(), id, requireTenant().merchantId]
    )
    return result.rows[0] ?? null
  }

  async deliver(id: string): Promise<DeliveryResult> {
    const notification = await this.claim(id)
    if (!notification) return { outcome: 'skipped' }
    const cap = await sendCapReached(notification)
    if (cap) {
      // Final, not retried: the row says why it was not sent.
      await this.#release(notification, 'failed', `E_SEND_CAPPED: ${cap}`)
      notificationOutcomes.inc({ channel: notification.type, outcome: 'capped' })
      notificationsCapped.inc({ channel: notification.type, cap })
      return { outcome: 'capped', cap }
    }
    try {
      const channel = await app.container.make(channelClasses[notification.type])
      await channel.send(notification)
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught))
      const final =
        error instanceof PermanentDeliveryError ||
        notification.attempts >= notification.max_attempts
      await this.#release(notification, final ? 'failed' : 'pending', error.message)
      notificationOutcomes.inc({
        channel: notification.type,
        outcome: final ? 'failed' : 'retried',
      })
      return { outcome: final ? 'failed' : 'retry', error }
    }
    await this.#release(notification, 'completed', null)
    notificationOutcomes.inc({ channel: notification.type, outcome: 'delivered' })
    return { outcome: 'delivered' }
  }

  async #release(
    notification: QueuedNotification,
    status: 'completed' | 'failed' | 'pending',
    error: string | null
  ) {
    await tenantDb('write').rawQuery(
      `UPDATE notification_queue
          SET status = ?, locked_until = NULL, updated_at = now(),
              last_error = CASE WHEN ?::text IS NULL THEN last_error ELSE left(?::text, 2000) END,
              processed_at = CASE WHEN ? IN ('completed', 'failed') THEN now() END
        WHERE id = ? AND status = 'processing' AND attempts = ?`,
      [status, error, error, status, notification.id, notification.attempts] as any[]
    )
  }
}

export const delivery = new Delivery()
