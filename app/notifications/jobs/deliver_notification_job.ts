import { UnrecoverableError } from 'bullmq'
import { TenantJob } from '#core/queue/tenant_job'
import { delivery } from '#notifications/services/delivery'

/** `notificationId` alone: a job queued before jobs carried several rows. */
type Payload = {
  merchantId: string
  notificationIds?: string[]
  notificationId?: string
  attempt?: number
}

/**
 * Asks for a group of one merchant's outbox rows (services/relay.ts: an order's notifications are one
 * job, named after its first row; a retry's job is `<row id>-a<attempt>`). The rows go out in batches
 * of the merchant's rows (services/delivery.ts); the job ends when every row's outcome is recorded. A
 * failed send is retried by a delayed job the batch queues, so this job does not throw for it; a final
 * failure fails the job (UnrecoverableError: no BullMQ retry) so the queue shows it. Anything else
 * thrown (the database unreachable) is retried by BullMQ with its backoff; rows already sent are then
 * skipped.
 */
export default class DeliverNotificationJob extends TenantJob<Payload> {
  static jobName = 'notifications.deliver'
  static queueName = 'notifications'

  async handle(payload: Payload) {
    const ids = payload.notificationIds ?? (payload.notificationId ? [payload.notificationId] : [])
    // Asked for in one tick, so the rows share a claim; every row settles before the job ends.
    const outcomes = await Promise.allSettled(
      ids.map((id) => delivery.deliver(id, { attempt: payload.attempt }))
    )
    const thrown = outcomes.find((outcome) => outcome.status === 'rejected')
    if (thrown) throw thrown.reason
    const failed = outcomes.flatMap((outcome) =>
      outcome.status === 'fulfilled' && outcome.value.outcome === 'failed'
        ? [outcome.value.error.message]
        : []
    )
    if (failed.length > 0) throw new UnrecoverableError(failed.join('; '))
  }
}
