import { UnrecoverableError } from 'bullmq'
import { TenantJob } from '#core/queue/tenant_job'
import { delivery } from '#notifications/services/delivery'

type Payload = { merchantId: string; notificationId: string; attempt?: number }

/**
 * Asks for one outbox row (job id = row id; a retry's job is `<row id>-a<attempt>`). The row goes out
 * in a batch of its merchant's rows (services/delivery.ts); the job ends when the row's outcome is
 * recorded. A failed send is retried by a delayed job the batch queues, so this job does not throw
 * for it; a final failure fails the job (UnrecoverableError: no BullMQ retry) so the queue shows it.
 * Anything else thrown (the database unreachable) is retried by BullMQ with its backoff.
 */
export default class DeliverNotificationJob extends TenantJob<Payload> {
  static jobName = 'notifications.deliver'
  static queueName = 'notifications'

  async handle(payload: Payload) {
    const result = await delivery.deliver(payload.notificationId, { attempt: payload.attempt })
    if (result.outcome === 'failed') throw new UnrecoverableError(result.error.message)
  }
}
