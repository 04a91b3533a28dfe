import { defineModule } from '#tenancy/index'

/**
 * Notifications (transactional outbox + email, Web Push, webhook and SMS channels) and customer chat.
 * Tiers: see config/tenancy.ts (every tier that has orders).
 */
export default defineModule({
  name: 'notifications',
  routes: () => import('#notifications/routes'),
  personalData: () => import('#notifications/personal_data'),
  listeners: () => import('#notifications/start/boot'),
  onboarding: () => import('#notifications/onboarding'),
  jobs: [
    () => import('#notifications/jobs/deliver_notification_job'),
    () => import('#notifications/jobs/relay_sweep_job'),
  ],
  schedules: [
    {
      name: 'notifications.relay_sweep',
      cron: '* * * * *',
      job: () => import('#notifications/jobs/relay_sweep_job'),
      runOnStart: true,
    },
  ],
})
