import db from '@adonisjs/lucid/services/db'
import queue from '@rlanz/bull-queue/services/main'
import { metrics } from '#core/observability/metrics'
import { shardRouter } from '#tenancy/index'
import DeliverNotificationJob from '#notifications/jobs/deliver_notification_job'

/**
 * Queue depth for Prometheus, sampled on a timer (counting rows on every shard node is not a scrape's
 * job): outbox rows waiting or in flight (the truth, summed over the shard nodes) and BullMQ's own
 * counts for the notifications queue. A gap between the two means the relay is behind.
 */
export function registerQueueDepthMetrics() {
  metrics.sampled({
    name: 'notification_outbox_rows',
    help: 'Outbox rows by status (pending and processing), summed over shard nodes',
    labelNames: ['status'],
    async sample(gauge) {
      const totals: Record<string, number> = { pending: 0, processing: 0 }
      for (const node of shardRouter.nodes()) {
        const result = await db.connection(node).rawQuery(
          `SELECT status, count(*)::int AS n FROM notification_queue
              WHERE status IN ('pending', 'processing') AND shard_id = ANY(?::int[]) GROUP BY status`,
          [shardRouter.shardsOn(node)]
        )
        for (const row of result.rows) totals[row.status] += row.n
      }
      for (const [status, n] of Object.entries(totals)) gauge.set({ status }, n)
    },
  })
  metrics.sampled({
    name: 'notification_queue_jobs',
    help: 'BullMQ jobs of the notifications queue by state',
    labelNames: ['state'],
    async sample(gauge) {
      const counts = await queue
        .getOrSet(DeliverNotificationJob.queueName)
        .getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed')
      for (const [state, n] of Object.entries(counts)) gauge.set({ state }, n)
    },
  })
}
