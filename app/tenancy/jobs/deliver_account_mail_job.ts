import { TenantJob } from '#core/queue/tenant_job'

/** Platform job (no merchant): sends one account mail (app/tenancy/services/account_mail.ts). */
export default class DeliverAccountMailJob extends TenantJob<{ merchantId: null; mailId: string }> {
  static jobName = 'tenancy.deliver_account_mail'
  static queueName = 'accounts'

  async handle(payload: { merchantId: null; mailId: string }) {
    const { accountMail } = await import('#tenancy/services/account_mail')
    await accountMail.deliver(payload.mailId)
  }
}
