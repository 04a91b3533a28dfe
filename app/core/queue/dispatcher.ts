import queue from '@rlanz/bull-queue/services/main'
import type { JobsOptions } from 'bullmq'
import type { JobConstructor, JobPayload } from '#core/queue/tenant_job'

type PayloadOf<J extends JobConstructor> = Parameters<InstanceType<J>['handle']>[0]

/**
 * Enqueues a job through @rlanz/bull-queue on the job's own queue. The payload names its merchant
 * (or null for platform jobs); use the tenancy module's dispatchTenantJob to fill it from context.
 */
export async function dispatch<J extends JobConstructor>(
  job: J,
  payload: PayloadOf<J> & JobPayload,
  options: JobsOptions = {}
) {
  return queue.dispatch(job as any, payload as any, { queueName: job.queueName, ...options })
}
