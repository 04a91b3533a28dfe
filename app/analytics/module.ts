import { defineModule } from '#tenancy/index'
import { TICK_CRON } from '#analytics/services/local_clock_schedule'

/**
 * Analytics: public event ingestion from the digital menu, monthly partitions, daily aggregates, the
 * staff dashboard, in each merchant's local days. Every tier has it. Schedules are BullMQ job
 * schedulers (one firing however many workers run); the daily aggregation ticks every quarter hour and
 * picks the merchants whose local clock reached 02:00 (services/local_clock_schedule.ts).
 */
export default defineModule({
  name: 'analytics',
  routes: () => import('#analytics/routes'),
  listeners: () => import('#analytics/start/events'),
  archives: () => import('#analytics/archives'),
  jobs: [
    () => import('#analytics/jobs/ensure_partitions_job'),
    () => import('#analytics/jobs/aggregate_daily_job'),
    () => import('#analytics/jobs/aggregate_merchant_day_job'),
    () => import('#analytics/jobs/record_order_placed_job'),
  ],
  schedules: [
    // Monthly, well before the month ends: partitions:ensure keeps three months ahead.
    {
      name: 'analytics.ensure-partitions',
      cron: '0 1 1 * *',
      tz: 'UTC',
      job: () => import('#analytics/jobs/ensure_partitions_job'),
    },
    {
      name: 'analytics.daily-aggregation',
      cron: TICK_CRON,
      tz: 'UTC',
      job: () => import('#analytics/jobs/aggregate_daily_job'),
    },
  ],
})
