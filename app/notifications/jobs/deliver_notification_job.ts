import { UnrecoverableError } from 'bullmq'
import { TenantJob } from '#core/queue/tenant_job'
import { delivery } from '#notifications/services/delivery'

type Payload = { merchantId: string; notificationId: string }

/**
 * Delivers one outbox row (job id = row id). A failed attempt throws so BullMQ retries it with
 * jittered exponential backoff; the last one (or a permanent error) is recorded on the row and stops
 * the retries.
 */
export default class DeliverNotificationJob extends TenantJob<Payload> {
  static jobName = 'notifications.deliver'
  static queueName = 'notifications'

  async handle(payload: Payload) {
    const result = await delivery.deliver(payload.notificationId)
    if (result.outcome === 'failed') throw new UnrecoverableError(result.error.message)
    if (result.outcome === 'retry') throw result.error
  }
}
