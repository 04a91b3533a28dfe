import { defineModule } from '#tenancy/modules/define_module'

/** The tenancy core: merchants, staff auth, locations, module switches. On for everyone. */
export default defineModule({
  name: 'tenancy',
  core: true,
  routes: () => import('#tenancy/routes'),
  personalData: () => import('#tenancy/personal_data'),
  jobs: [
    () => import('#tenancy/jobs/deliver_account_mail_job'),
    () => import('#tenancy/jobs/account_mail_sweep_job'),
    () => import('#tenancy/jobs/shard_operation_job'),
  ],
  schedules: [
    {
      name: 'tenancy.account_mail_sweep',
      cron: '* * * * *',
      job: () => import('#tenancy/jobs/account_mail_sweep_job'),
      runOnStart: true,
    },
  ],
})
