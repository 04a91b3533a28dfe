import { Worker, Queue, type Job as BullJob } from 'bullmq'
import type { ApplicationService, LoggerService } from '@adonisjs/core/types'
import type { JobConstructor, JobPayload } from '#core/queue/tenant_job'
import { jitteredBackoff } from '#core/queue/backoff'
import { metrics } from '#core/observability/metrics'
import { runWithActor } from '#core/database/actor_context'

export type RunInContext = <T>(payload: JobPayload, fn: () => Promise<T>) => Promise<T>

const jobOutcomes = metrics.counter({
  name: 'queue_jobs_total',
  help: 'Jobs finished by queue, job and outcome (completed, retried, failed)',
  labelNames: ['queue', 'job', 'outcome'],
})

/**
 * Runs BullMQ workers for our jobs. Unlike a bare listener it: fails loudly on an unknown job name,
 * runs each job inside its merchant's tenant context, backs off with jitter, calls rescue() once after
 * the last attempt, and closes its workers cleanly (waiting for active jobs) on stop().
 */
export class WorkerPool {
  #workers: Worker[] = []
  #jobs: Map<string, JobConstructor>

  constructor(
    private app: ApplicationService,
    private logger: LoggerService,
    private connection: Record<string, unknown>,
    jobs: JobConstructor[],
    private runInContext: RunInContext,
    private options: { concurrency?: number; baseBackoffMs?: number } = {}
  ) {
    this.#jobs = new Map(jobs.map((job) => [job.jobName, job]))
  }

  queueNames(): string[] {
    return [...new Set([...this.#jobs.values()].map((job) => job.queueName))]
  }

  start(queueNames = this.queueNames()) {
    for (const name of queueNames) {
      const worker = new Worker(name, (job) => this.#process(job), {
        connection: this.connection as any,
        concurrency: this.options.concurrency ?? 10,
        settings: {
          backoffStrategy: (attemptsMade: number) =>
            jitteredBackoff(attemptsMade, this.options.baseBackoffMs ?? 1000),
        },
      })
      worker.on('failed', (job, error) => this.#onFailed(name, job, error))
      worker.on('completed', (job) =>
        jobOutcomes.inc({ queue: name, job: job.name, outcome: 'completed' })
      )
      worker.on('error', (error) => this.logger.error({ err: error, queue: name }, 'worker error'))
      this.#workers.push(worker)
    }
    return this
  }

  async #process(job: BullJob) {
    const JobClass = this.#jobs.get(job.name)
    if (!JobClass) throw new Error(`Unknown job "${job.name}": no registered job has this name`)
    const instance = await this.app.container.make(JobClass)
    instance.$injectInternal({ job, logger: this.logger })
    const payload = job.data as JobPayload
    // Writes made by a job are audited as the job's.
    await runWithActor({ id: null, type: 'job', reason: job.name }, () =>
      this.runInContext(payload, () => instance.handle(payload))
    )
  }

  async #onFailed(queue: string, job: BullJob | undefined, error: Error) {
    if (!job) return
    // An UnrecoverableError ends the job before its attempts run out: that is final too.
    const finalAttempt =
      job.attemptsMade >= (job.opts.attempts ?? 1) || error?.name === 'UnrecoverableError'
    jobOutcomes.inc({ queue, job: job.name, outcome: finalAttempt ? 'failed' : 'retried' })
    this.logger.warn(
      { err: error, job: job.name, id: job.id, attempt: job.attemptsMade },
      'job attempt failed'
    )
    const JobClass = this.#jobs.get(job.name)
    if (!finalAttempt || !JobClass) return
    try {
      const instance = await this.app.container.make(JobClass)
      instance.$injectInternal({ job, logger: this.logger })
      await this.runInContext(job.data, () => instance.rescue(job.data, error))
    } catch (rescueError) {
      this.logger.error({ err: rescueError, job: job.name }, 'job rescue failed')
    }
  }

  /**
   * Registers repeatable schedules; BullMQ keys them by name, so many processes register one schedule.
   * A schedule marked runOnStart is also enqueued once now (this worker may have been down for a while).
   */
  async upsertSchedules(
    schedules: Array<{
      name: string
      cron: string
      tz?: string
      job: JobConstructor
      payload?: object
      runOnStart?: boolean
    }>
  ) {
    for (const schedule of schedules) {
      const queue = new Queue(schedule.job.queueName, { connection: this.connection as any })
      await queue.upsertJobScheduler(
        schedule.name,
        { pattern: schedule.cron, tz: schedule.tz ?? 'UTC' },
        { name: schedule.job.jobName, data: { merchantId: null, ...schedule.payload } }
      )
      if (schedule.runOnStart) {
        await queue.add(
          schedule.job.jobName,
          { merchantId: null, ...schedule.payload },
          { removeOnComplete: true, removeOnFail: 100 }
        )
      }
      await queue.close()
    }
  }

  /**
   * Removes the schedulers of our queues that `schedules` (every schedule the modules declare) does not
   * name: a renamed or retired schedule would otherwise keep firing a job that no worker knows.
   */
  async removeUndeclaredSchedules(schedules: Array<{ name: string }>) {
    const declared = new Set(schedules.map((schedule) => schedule.name))
    for (const name of this.queueNames()) {
      const queue = new Queue(name, { connection: this.connection as any })
      for (const scheduler of await queue.getJobSchedulers()) {
        if (scheduler.key && !declared.has(scheduler.key))
          await queue.removeJobScheduler(scheduler.key)
      }
      await queue.close()
    }
  }

  async stop() {
    await Promise.all(this.#workers.map((worker) => worker.close()))
    this.#workers = []
  }
}
