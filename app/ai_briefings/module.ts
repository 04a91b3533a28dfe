import { defineModule } from '#tenancy/index'
import { TICK_CRON } from '#analytics/index'

/**
 * AI daily briefings, a module of its own so that it follows the tier (full_suite) and per-merchant
 * overrides (modules:enable <merchant> ai_briefings) like every other capability; it needs analytics.
 * Briefings are written at 06:00 in each merchant's time zone, after its 02:00 aggregation of the same
 * day (a quarter-hourly tick picks the merchants, see services/local_clock_schedule.ts).
 */
export default defineModule({
  name: 'ai_briefings',
  dependsOn: ['analytics'],
  routes: () => import('#ai_briefings/routes'),
  listeners: () => import('#ai_briefings/start/boot'),
  jobs: [
    () => import('#ai_briefings/jobs/generate_daily_briefings_job'),
    () => import('#ai_briefings/jobs/generate_briefing_job'),
  ],
  schedules: [
    {
      name: 'ai_briefings.generate-daily',
      cron: TICK_CRON,
      tz: 'UTC',
      job: () => import('#ai_briefings/jobs/generate_daily_briefings_job'),
    },
  ],
})
