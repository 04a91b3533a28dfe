import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { Queue, QueueEvents } from 'bullmq'
import { moduleRegistry, runJobInTenant } from '#tenancy/index'
import { WorkerPool } from '#core/queue/worker_pool'
import { dispatch } from '#core/queue/dispatcher'
import { createMerchant } from '#tests/helpers'
import AggregateDailyJob from '#analytics/jobs/aggregate_daily_job'
import { nodeOf, seedEvents } from './analytics_helpers.js'

const connection = () => app.config.get<{ defaultConnection: Record<string, unknown> }>('queue').defaultConnection

test.group('analytics / schedules and jobs', () => {
  test('the schedules are repeatable jobs in UTC, registered once however many processes start', async ({ assert }) => {
    const schedules = (await moduleRegistry().loadSchedules()).filter((s) => s.name.startsWith('analytics.'))
    const pool = new WorkerPool(app, logger, connection(), [], runJobInTenant)
    // Two processes starting: same names, so one scheduler each.
    await pool.upsertSchedules(schedules)
    await pool.upsertSchedules(schedules)
    const queue = new Queue('analytics', { connection: connection() as any })
    try {
      const registered = await queue.getJobSchedulers()
      const byName = Object.fromEntries(registered.map((s) => [s.key, s]))
      assert.lengthOf(registered.filter((s) => s.key.startsWith('analytics.')), 3)
      assert.containsSubset(byName['analytics.daily-aggregation'], { pattern: '0 2 * * *', tz: 'UTC', name: 'analytics.aggregate_daily' })
      assert.containsSubset(byName['analytics.refresh-summary-view'], { pattern: '0 * * * *', tz: 'UTC' })
      assert.containsSubset(byName['analytics.ensure-partitions'], { pattern: '0 1 1 * *', tz: 'UTC' })
    } finally {
      await queue.close()
    }
  })

  test('the aggregation job runs through the worker pool', async ({ assert }) => {
    const { merchant } = await createMerchant()
    await seedEvents(merchant, [{ type: 'menu_view', sessionId: 'job-session', at: '2032-09-09T08:00:00Z' }])
    const pool = new WorkerPool(app, logger, connection(), await moduleRegistry().loadJobs(), runJobInTenant).start(['analytics'])
    const events = new QueueEvents('analytics', { connection: connection() as any })
    try {
      await events.waitUntilReady()
      const job = await dispatch(AggregateDailyJob, { merchantId: null, day: '2032-09-09' })
      await job.waitUntilFinished(events)
    } finally {
      await events.close()
      await pool.stop()
    }
    const row = await nodeOf(merchant).from('analytics_daily_aggregates').where({ merchant_id: merchant.id }).first()
    assert.equal(row.menu_views, 1)
  })
})
