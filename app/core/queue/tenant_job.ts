import { Job } from '@rlanz/bull-queue'

/**
 * Base of every job. Jobs are keyed by a stable `jobName` (not the file URL, so a ts dev worker and a
 * built worker share jobs). Every payload carries the merchant it runs for, or `null` for platform
 * jobs; the worker runs `handle` inside that merchant's tenant context.
 */
export type JobPayload = { merchantId: string | null }

export abstract class TenantJob<P extends JobPayload = JobPayload> extends Job {
  static jobName: string
  static queueName = 'default'

  static get $$filepath(): string {
    return this.jobName
  }

  abstract handle(payload: P): Promise<void>

  /** Called once, after the last attempt failed. */
  async rescue(_payload: P, _error: Error): Promise<void> {}
}

export type JobConstructor = {
  jobName: string
  queueName: string
  $$filepath: string
  new (...args: any[]): TenantJob<any>
}
