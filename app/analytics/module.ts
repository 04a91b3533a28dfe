import { defineModule } from '#tenancy/index'

/**
 * Analytics: public event ingestion from the digital menu, monthly partitions, daily aggregates, the
 * hourly summary view and the staff dashboard. Every tier has it. Schedules are BullMQ repeatable
 * jobs (one firing however many workers run), all read in UTC, like the analytics days themselves.
 */
export default defineModule({
  name: 'analytics',
  routes: () => import('#analytics/routes'),
  listeners: () => import('#analytics/start/events'),
  archives: () => import('#analytics/archives'),
  jobs: [
    () => import('#analytics/jobs/ensure_partitions_job'),
    () => import('#analytics/jobs/aggregate_daily_job'),
    () => import('#analytics/jobs/refresh_summary_view_job'),
    () => import('#analytics/jobs/record_order_placed_job'),
  ],
  schedules: [
    // Monthly, well before the month ends: partitions:ensure keeps three months ahead.
    { name: 'analytics.ensure-partitions', cron: '0 1 1 * *', tz: 'UTC', job: () => import('#analytics/jobs/ensure_partitions_job') },
    { name: 'analytics.daily-aggregation', cron: '0 2 * * *', tz: 'UTC', job: () => import('#analytics/jobs/aggregate_daily_job') },
    { name: 'analytics.refresh-summary-view', cron: '0 * * * *', tz: 'UTC', job: () => import('#analytics/jobs/refresh_summary_view_job') },
  ],
})
