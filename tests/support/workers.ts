import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { WorkerPool } from '#core/queue/worker_pool'
import { moduleRegistry, runJobInTenant } from '#tenancy/index'
import DeliverAccountMailJob from '#tenancy/jobs/deliver_account_mail_job'
import AccountMailSweepJob from '#tenancy/jobs/account_mail_sweep_job'

/** The BullMQ connection the app's queues use. */
export function queueConnection() {
  return app.config.get<{ defaultConnection: Record<string, unknown> }>('queue').defaultConnection
}

/** What `queue:work` runs: a worker pool over every module's jobs, each in its merchant's context. */
export async function moduleWorkers(options?: { concurrency?: number; baseBackoffMs?: number }) {
  const jobs = await moduleRegistry().loadJobs()
  return new WorkerPool(app, logger, queueConnection(), jobs, runJobInTenant, options)
}

/** What the `accounts` queue runs in a worker: account mail delivery and its sweep. */
export function accountMailWorkers() {
  return new WorkerPool(
    app,
    logger,
    queueConnection(),
    [DeliverAccountMailJob, AccountMailSweepJob],
    runJobInTenant,
    { concurrency: 2, baseBackoffMs: 40 }
  ).start()
}
