import { test } from '@japa/runner'
import { Queue, QueueEvents } from 'bullmq'
import { moduleRegistry } from '#tenancy/index'
import { moduleWorkers, queueConnection } from '#tests/support/workers'
import { dispatch } from '#core/queue/dispatcher'
import { createMerchant } from '#tests/support/merchants'
import AggregateMerchantDayJob from '#analytics/jobs/aggregate_merchant_day_job'
import { nodeOf, seedEvents } from './analytics_helpers.js'

test.group('analytics / schedules and jobs', () => {
  test('the schedules are job schedulers, registered once however many processes start; retired ones go', async ({
    assert,
  }) => {
    const declared = await moduleRegistry().loadSchedules()
    const schedules = declared.filter((s) => s.name.startsWith('analytics.'))
    const pool = await moduleWorkers()
    const queue = new Queue('analytics', { connection: queueConnection() as any })
    // A schedule an earlier release declared (the hourly refresh of a view that no longer exists).
    await queue.upsertJobScheduler(
      'analytics.refresh-summary-view',
      { pattern: '0 * * * *', tz: 'UTC' },
      { name: 'analytics.refresh_summary_view' }
    )
    // Two processes starting: same names, so one scheduler each.
    await pool.upsertSchedules(schedules)
    await pool.upsertSchedules(schedules)
    // What a worker does on start once its schedules are registered.
    await pool.removeUndeclaredSchedules(declared)
    try {
      const registered = await queue.getJobSchedulers()
      const byName = Object.fromEntries(registered.map((s) => [s.key, s]))
      assert.lengthOf(
        registered.filter((s) => s.key.startsWith('analytics.')),
        2
      )
      // Every quarter hour: the job picks the merchants whose local clock reached 02:00.
      assert.containsSubset(byName['analytics.daily-aggregation'], {
        pattern: '*/15 * * * *',
        tz: 'UTC',
        name: 'analytics.aggregate_daily',
      })
      assert.notProperty(byName, 'analytics.refresh-summary-view')
      assert.containsSubset(byName['analytics.ensure-partitions'], {
        pattern: '0 1 1 * *',
        tz: 'UTC',
      })
    } finally {
      await queue.close()
    }
  })

  test('the aggregation job runs through the worker pool', async ({ assert }) => {
    const { merchant } = await createMerchant()
    await seedEvents(merchant, [
      { type: 'menu_view', sessionId: 'job-session', at: '2032-09-09T08:00:00Z' },
    ])
    const workers = await moduleWorkers()
    const pool = workers.start(['analytics'])
    const events = new QueueEvents('analytics', { connection: queueConnection() as any })
    try {
      await events.waitUntilReady()
      const job = await dispatch(AggregateMerchantDayJob, {
        merchantId: merchant.id,
        day: '2032-09-09',
      })
      await job.waitUntilFinished(events)
    } finally {
      await events.close()
      await pool.stop()
    }
    const row = await nodeOf(merchant)
      .from('analytics_daily_aggregates')
      .where({ merchant_id: merchant.id })
      .first()
    assert.equal(row.menu_views, 1)
  })
})
