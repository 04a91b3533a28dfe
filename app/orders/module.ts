import { defineModule } from '#tenancy/index'

/**
 * Pickup orders from the public menu: server-side pricing, pickup slots with capacities,
 * idempotent placement, a status machine for staff, tracking for customers, real-time kitchen
 * updates. Notifications go through the notifications module's outbox. Tiers: config/tenancy.ts.
 */
export default defineModule({
  name: 'orders',
  dependsOn: ['menu', 'notifications'],
  routes: () => import('#orders/routes'),
  personalData: () => import('#orders/personal_data'),
  archives: () => import('#orders/archives'),
  listeners: () => import('#orders/start/realtime'),
  onboarding: () => import('#orders/onboarding'),
  jobs: [
    () => import('#orders/jobs/purge_idempotency_keys_job'),
    () => import('#orders/jobs/reject_unaccepted_orders_job'),
  ],
  schedules: [
    {
      name: 'orders.purge_idempotency_keys',
      cron: '17 * * * *',
      job: () => import('#orders/jobs/purge_idempotency_keys_job'),
    },
    {
      name: 'orders.reject_unaccepted',
      cron: '* * * * *',
      job: () => import('#orders/jobs/reject_unaccepted_orders_job'),
      runOnStart: true,
    },
  ],
  budget: 'orders',
})
