import { requireTenant, tenantDb, type OnboardingStep } from '#tenancy/index'

/** The notifications module's step of a new merchant's checklist: somewhere for alerts to go. */
const steps: OnboardingStep[] = [
  {
    id: 'notification_channels',
    title: 'Choose where notifications go (email, SMS or webhook)',
    path: '/admin/settings',
    async done() {
      const row = await tenantDb()
        .from('notification_settings')
        .where('merchant_id', requireTenant().merchantId)
        .where((query) =>
          query
            .whereRaw('cardinality(email_recipients) > 0')
            .orWhereRaw('cardinality(sms_recipients) > 0')
            .orWhereNotNull('webhook_url')
        )
        .select('merchant_id')
        .first()
      return Boolean(row)
    },
  },
]
export default steps
