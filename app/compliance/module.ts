import { defineModule } from '#tenancy/index'

/**
 * Compliance: the audit log (trigger-written, on every database), GDPR export and erasure across
 * shards from the personal-data registry, and support's admin endpoints. On for every merchant:
 * data-protection duties do not depend on a tier.
 */
export default defineModule({
  name: 'compliance',
  core: true,
  routes: () => import('#compliance/routes'),
  listeners: () => import('#compliance/start/events'),
  personalData: () => import('#compliance/personal_data'),
  jobs: [() => import('#compliance/jobs/retention_sweep_job')],
  schedules: [
    {
      name: 'compliance.retention_sweep',
      cron: '0 3 * * *',
      job: () => import('#compliance/jobs/retention_sweep_job'),
      runOnStart: true,
    },
  ],
})
