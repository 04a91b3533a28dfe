import { defineModule } from '#tenancy/index'

/**
 * AI daily briefings, a module of its own so that it follows the tier (full_suite) and per-merchant
 * overrides (modules:enable <merchant> ai_briefings) like every other capability; it needs analytics.
 * The 06:00 UTC schedule comes after the 02:00 UTC aggregation of the same day.
 */
export default defineModule({
  name: 'ai_briefings',
  dependsOn: ['analytics'],
  routes: () => import('#ai_briefings/routes'),
  jobs: [
    () => import('#ai_briefings/jobs/generate_daily_briefings_job'),
    () => import('#ai_briefings/jobs/generate_briefing_job'),
  ],
  schedules: [
    {
      name: 'ai_briefings.generate-daily',
      cron: '0 6 * * *',
      tz: 'UTC',
      job: () => import('#ai_briefings/jobs/generate_daily_briefings_job'),
    },
  ],
})
