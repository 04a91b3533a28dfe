/**
 * Notification delivery throughput vs a bare BullMQ Worker doing a no-op on the same Redis: the
 * WorkerPool no-op >= 0.8x, notification delivery >= 0.4x (issue 12, goal 4).
 *
 *   bare      bullmq Worker, no-op handler
 *   pool      our WorkerPool (job registry, tenant context from the merchant directory), no-op TenantJob
 *   delivery  notifications.deliver on real outbox rows, queued by the after-commit hand-off as the
 *             product queues them (one job per event's rows, at most a batch of 50 each): rows claimed
 *             in batches (UPDATE .. FOR UPDATE SKIP LOCKED), sent through the SMS log driver (a no-op
 *             at LOG_LEVEL=warn), outcomes recorded per batch. The round counts only when every row is
 *             completed in the database (rows/s, not jobs/s). Two shapes: events with 3 recipients
 *             (an order's notifications: a job of 3 rows) and with 100 (a broadcast: jobs of 50).
 *
 * 12,000 jobs (rows) per round. Same concurrency (10), jobs queued before the workers start, runs alternated, medians printed.
 *   npm run bench:notifications_throughput
 * Env: BENCH_DATABASE_URL (default gudbro_bench_notifications on the local server, migrated first),
 * BENCH_REDIS_URL (default db 7). The Redis database is flushed first: give it one of its own.
 */
import { randomUUID } from 'node:crypto'
import { Queue, Worker } from 'bullmq'
import pg from 'pg'
import { bootApp, median, useBenchDatabase } from './support/boot_app.js'

// Long enough that a round takes seconds, not a fraction of one (shorter rounds gave ratios from 0.3 to 0.5).
const JOBS = Number(process.env.BENCH_JOBS ?? 12_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = 10

await useBenchDatabase('gudbro_bench_notifications', 7)
const app = await bootApp()
const { default: redis } = await import('@adonisjs/redis/services/main')
const { default: logger } = await import('@adonisjs/core/services/logger')
const { WorkerPool } = await import('#core/queue/worker_pool')
const { TenantJob } = await import('#core/queue/tenant_job')
const { onboarding } = await import('#tenancy/services/onboarding_service')
const { runJobInTenant, shardRouter } = await import('#tenancy/index')
const { enqueueNotifications } = await import('#notifications/index')
const { settingsService } = await import('#notifications/services/settings_service')
const { default: DeliverNotificationJob } =
  await import('#notifications/jobs/deliver_notification_job')

const connection = app.config.get<{ defaultConnection: Record<string, unknown> }>('queue')
  .defaultConnection as any

/** This process's CPU time per job (µs), a less noisy second opinion than jobs/s. */
const cpuPerJob: Record<string, number[]> = {}

/**
 * PostgreSQL round trips of this process: a simple query ("BEGIN; ...", "COMMIT") or an extended
 * query's Sync each wait for one answer. Counted during the delivery rounds, per row.
 */
let roundTrips = 0
const connectionProto = (pg as any).Connection.prototype
for (const method of ['query', 'sync']) {
  const original = connectionProto[method]
  connectionProto[method] = function (this: unknown, ...args: unknown[]) {
    roundTrips++
    return original.apply(this, args)
  }
}
const roundTripsPerRow: Record<number, number[]> = {}

class NoopJob extends TenantJob<{ merchantId: string }> {
  static jobName = 'bench.noop'
  static queueName = 'bench-pool'
  async handle() {}
}

async function drain(
  queueName: string,
  expected: number,
  start: () => Promise<() => Promise<void>>,
  label = queueName
) {
  const queue = new Queue(queueName, { connection })
  const began = performance.now()
  const cpuBefore = process.cpuUsage()
  const stop = await start()
  // Done when nothing is left to run (the same check for every subject; completed jobs may be trimmed).
  while (true) {
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed')
    if (Object.values(counts).every((n) => n === 0)) break
    await new Promise((r) => setTimeout(r, 20))
  }
  const seconds = (performance.now() - began) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  cpuPerJob[label] = (cpuPerJob[label] ?? []).concat((cpu.user + cpu.system) / expected)
  await stop()
  await queue.obliterate({ force: true })
  await queue.close()
  return expected / seconds
}

async function bare() {
  const queue = new Queue('bench-bare', { connection })
  await queue.addBulk(
    Array.from({ length: JOBS }, () => ({
      name: 'noop',
      data: {},
      opts: { removeOnComplete: false },
    }))
  )
  await queue.close()
  return drain('bench-bare', JOBS, async () => {
    const worker = new Worker('bench-bare', async () => {}, {
      connection,
      concurrency: CONCURRENCY,
    })
    return () => worker.close()
  })
}

async function pool(merchantId: string) {
  const queue = new Queue('bench-pool', { connection })
  await queue.addBulk(
    Array.from({ length: JOBS }, () => ({
      name: NoopJob.jobName,
      data: { merchantId },
      opts: { removeOnComplete: false },
    }))
  )
  await queue.close()
  return drain('bench-pool', JOBS, async () => {
    const workers = new WorkerPool(app, logger, connection, [NoopJob], runJobInTenant, {
      concurrency: CONCURRENCY,
    }).start()
    return () => workers.stop()
  })
}

async function delivery(merchantId: string, rowsPerEvent: number) {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const node = shardRouter.connectionForShard(shardRouter.shardFor(merchantId))
  // Every round starts from the same table: the previous rounds' rows gone, vacuumed and analysed as
  // autovacuum would leave it (a server may run without autovacuum, as CI machines do; then dead rows
  // and stale statistics from earlier rounds made each round slower than the one before).
  await db.connection(node, { mode: 'write' }).rawQuery('DELETE FROM notification_queue')
  await db.connection(node, { mode: 'write' }).rawQuery('VACUUM ANALYZE notification_queue')
  // One transaction per event; the after-commit hand-off queues its rows.
  await runJobInTenant({ merchantId }, async () => {
    for (let batch = 0; batch < JOBS / rowsPerEvent; batch++) {
      await shardRouter.transaction((trx) =>
        enqueueNotifications(trx, { event: 'bench.event', payload: { batch } })
      )
    }
  })
  const queue = new Queue(DeliverNotificationJob.queueName, { connection })
  const completed = async () => {
    const result = await db
      .connection(node)
      .rawQuery(
        `SELECT count(*)::int AS n FROM notification_queue WHERE merchant_id = ? AND status = 'completed'`,
        [merchantId]
      )
    return result.rows[0].n as number
  }
  const before = await completed()
  // Every row is in a queued job before the workers start.
  while (true) {
    const jobs = await queue.getJobs(['waiting', 'prioritized'])
    const rows = jobs.reduce((sum, job) => sum + (job?.data.notificationIds?.length ?? 1), 0)
    if (rows >= JOBS) break
    await new Promise((r) => setTimeout(r, 20))
  }
  await queue.close()
  const tripsBefore = roundTrips
  const rate = await drain(
    DeliverNotificationJob.queueName,
    JOBS,
    async () => {
      const workers = new WorkerPool(
        app,
        logger,
        connection,
        [DeliverNotificationJob],
        runJobInTenant,
        { concurrency: CONCURRENCY }
      ).start()
      return () => workers.stop()
    },
    `delivery-${rowsPerEvent}`
  )
  // Every job ends only after its row's outcome is recorded; check it rather than trust it.
  const delivered = (await completed()) - before
  if (delivered !== JOBS) throw new Error(`delivery round: ${delivered} of ${JOBS} rows completed`)
  // The drain's own polling adds one trip per 20 ms at most; it is counted too (an upper bound).
  roundTripsPerRow[rowsPerEvent] = (roundTripsPerRow[rowsPerEvent] ?? []).concat(
    (roundTrips - tripsBefore) / JOBS
  )
  return rate
}

await redis.flushdb()
/** A merchant whose bench event goes by SMS to `recipients` numbers: one outbox row each. */
async function merchantSending(recipients: number) {
  const merchant = await onboarding.onboard({
    slug: `bench-${randomUUID().slice(0, 8)}`,
    name: 'Bench',
    vertical: 'coffeeshop',
    tier: 'pre_ordering',
  })
  await runJobInTenant({ merchantId: merchant.id }, () =>
    settingsService.update({
      routes: { 'bench.event': ['sms'] },
      smsRecipients: Array.from(
        { length: recipients },
        (_, n) => `+39${String(3_000_000_000 + n)}`
      ),
    })
  )
  return merchant.id
}
const SHAPES = [3, 100]
const merchants = { 3: await merchantSending(3), 100: await merchantSending(100) }
const results = {
  bare: [] as number[],
  pool: [] as number[],
  3: [] as number[],
  100: [] as number[],
}
// Warm-up (not counted).
await bare()
await pool(merchants[3])
for (let round = 0; round < ROUNDS; round++) {
  results.bare.push(await bare())
  results.pool.push(await pool(merchants[3]))
  for (const shape of SHAPES)
    results[shape as 3 | 100].push(await delivery(merchants[shape as 3 | 100], shape))
  console.log(
    `round ${round + 1}: bare ${results.bare[round].toFixed(0)}/s  pool ${results.pool[round].toFixed(0)}/s  ` +
      `delivery ${results[3][round].toFixed(0)} rows/s (3 per event), ${results[100][round].toFixed(0)} rows/s (100 per event)`
  )
}
const bareMedian = median(results.bare)
console.log(`\n${JOBS} jobs x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, medians:`)
const cpu = (label: string, unit = 'job') =>
  `${median(cpuPerJob[label]).toFixed(0)} µs CPU/${unit} in this process`
console.log(`  bare bullmq no-op        ${bareMedian.toFixed(0)} jobs/s   ${cpu('bench-bare')}`)
console.log(
  `  WorkerPool no-op         ${median(results.pool).toFixed(0)} jobs/s   ratio ${(median(results.pool) / bareMedian).toFixed(2)}x (goal >= 0.8x)   ${cpu('bench-pool')}`
)
for (const shape of SHAPES) {
  const rate = median(results[shape as 3 | 100])
  console.log(
    `  delivery, ${String(shape).padStart(3)} per event  ${rate.toFixed(0)} rows/s   ratio ${(rate / bareMedian).toFixed(2)}x (goal >= 0.4x)   ${cpu(`delivery-${shape}`, 'row')}   ` +
      `PostgreSQL round trips per row: ${median(roundTripsPerRow[shape]).toFixed(2)}`
  )
}
await app.terminate()
