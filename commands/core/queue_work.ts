import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { gracefulShutdown } from '#core/process/graceful_shutdown'

/**
 * The queue worker and scheduler: runs every module's jobs inside their tenant context, registers
 * the modules' repeatable schedules (BullMQ keys them, so they fire once however many workers run),
 * and on SIGTERM/SIGINT stops taking jobs and waits for the active ones (within the process's shutdown limit).
 */
export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description = 'Process background jobs and register schedules'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.number({ description: 'Jobs processed at once per queue', default: 10 })
  declare concurrency: number

  async run() {
    const { serveTenants } = await import('#providers/tenancy_provider')
    const { moduleRegistry, runJobInTenant } = await import('#tenancy/index')
    const { WorkerPool } = await import('#core/queue/worker_pool')
    const { startWorkerHeartbeat } = await import('#core/queue/worker_heartbeat')
    const { default: redis } = await import('@adonisjs/redis/services/main')
    await serveTenants()
    const registry = moduleRegistry()
    const connection = this.app.config.get<{ defaultConnection: Record<string, unknown> }>(
      'queue'
    ).defaultConnection
    const logger = await this.app.container.make('logger')
    const pool = new WorkerPool(
      this.app,
      logger,
      connection,
      await registry.loadJobs(),
      runJobInTenant,
      {
        concurrency: this.concurrency,
      }
    )
    const schedules = await registry.loadSchedules()
    await pool.upsertSchedules(schedules)
    await pool.removeUndeclaredSchedules(schedules)
    pool.start()
    // Schedules live in Redis: if Redis loses its data they come back within a minute (upserting is idempotent).
    const reregister = setInterval(() => {
      pool
        .upsertSchedules(schedules.map((schedule) => ({ ...schedule, runOnStart: false })))
        .catch((error) => {
          this.logger.warning(`could not re-register schedules: ${error.message}`)
        })
    }, 60_000)
    // /ready shows whether a worker is alive by this heartbeat.
    const stopHeartbeat = startWorkerHeartbeat(redis.connection('main'), (error) => {
      this.logger.warning(`could not write the worker heartbeat: ${error.message}`)
    })
    this.logger.info(`worker started on queues: ${pool.queueNames().join(', ') || '(none)'}`)

    // Before the app closes Redis and the databases (bin/console.ts bounds the whole shutdown).
    gracefulShutdown.first('worker: finish active jobs', async () => {
      this.logger.info('stopping worker: finishing active jobs')
      clearInterval(reregister)
      stopHeartbeat()
      await pool.stop()
    })
  }
}
