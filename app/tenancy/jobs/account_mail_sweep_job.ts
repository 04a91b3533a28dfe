import { TenantJob } from '#core/queue/tenant_job'

/** Platform job: re-queues account mails whose hand-off was lost or whose worker died. */
export default class AccountMailSweepJob extends TenantJob<{ merchantId: null }> {
  static jobName = 'tenancy.account_mail_sweep'
  static queueName = 'accounts'

  async handle() {
    const { accountMail } = await import('#tenancy/services/account_mail')
    const requeued = await accountMail.sweep()
    if (requeued > 0) this.logger.info({ requeued }, 'account mail sweep re-queued mails')
  }
}
