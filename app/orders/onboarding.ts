import { requireTenant, tenantDb, type OnboardingStep } from '#tenancy/index'

/** The orders module's step of a new merchant's checklist: pickup slots to order for. */
const steps: OnboardingStep[] = [
  {
    id: 'pickup_slots',
    title: 'Set up pickup slots',
    path: '/admin/settings',
    async done() {
      const row = await tenantDb()
        .from('pickup_slots')
        .where('merchant_id', requireTenant().merchantId)
        .select('id')
        .first()
      return Boolean(row)
    },
  },
]
export default steps
