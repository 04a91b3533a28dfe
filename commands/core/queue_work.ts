import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The queue worker and scheduler: runs every module's jobs inside their tenant context, registers
 * the modules' repeatable schedules (BullMQ keys them, so they fire once however many workers run),
 * and on SIGTERM/SIGINT stops taking jobs and waits for the active ones.
 */
export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description = 'Process background jobs and register schedules'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.number({ description: 'Jobs processed at once per queue', default: 10 })
  declare concurrency: number

  async run() {
    const { bootTenancy } = await import('#tenancy/services/boot')
    const { moduleRegistry } = await import('#tenancy/services/module_registry_service')
    const { runJobInTenant } = await import('#tenancy/services/tenant_jobs')
    const { WorkerPool } = await import('#core/queue/worker_pool')
    await bootTenancy()
    const registry = moduleRegistry()
    const connection = this.app.config.get<{ defaultConnection: Record<string, unknown> }>('queue').defaultConnection
    const logger = await this.app.container.make('logger')
    const pool = new WorkerPool(this.app, logger, connection, await registry.loadJobs(), runJobInTenant, {
      concurrency: this.concurrency,
    })
    const schedules = await registry.loadSchedules()
    await pool.upsertSchedules(schedules)
    await pool.removeUndeclaredSchedules(schedules)
    pool.start()
    // Schedules live in Redis: if Redis loses its data they come back within a minute (upserting is idempotent).
    const reregister = setInterval(() => {
      pool.upsertSchedules(schedules.map((schedule) => ({ ...schedule, runOnStart: false }))).catch((error) => {
        this.logger.warning(`could not re-register schedules: ${error.message}`)
      })
    }, 60_000)
    this.logger.info(`worker started on queues: ${pool.queueNames().join(', ') || '(none)'}`)

    const stop = async () => {
      this.logger.info('stopping worker: finishing active jobs')
      clearInterval(reregister)
      await pool.stop()
      await this.app.terminate()
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  }
}
