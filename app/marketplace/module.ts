import { defineModule } from '#tenancy/index'

/**
 * The marketplace (docs/decisions/marketplace.md): developers and their apps, reviewed by support and
 * listed for merchants. Tier full_suite, per-merchant override like every module; the developer and
 * support APIs serve no merchant, so they are platform routes.
 */
export default defineModule({
  name: 'marketplace',
  routes: () => import('#marketplace/routes'),
  platformRoutes: () => import('#marketplace/platform_routes'),
  personalData: () => import('#marketplace/personal_data'),
})
