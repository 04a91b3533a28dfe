import { requireTenant, tenantDb, type OnboardingStep } from '#tenancy/index'

/** The menu's step of a new merchant's checklist: at least one item on it. */
const steps: OnboardingStep[] = [
  {
    id: 'menu_item',
    title: 'Add a first item to your menu',
    path: '/admin/menu',
    async done() {
      const row = await tenantDb()
        .from('menu_items')
        .where('merchant_id', requireTenant().merchantId)
        .select('id')
        .first()
      return Boolean(row)
    },
  },
]
export default steps
