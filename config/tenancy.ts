import { defineTenancyConfig } from '#tenancy/define_tenancy_config'

/**
 * Tiers and the modules each one gets by default; per-merchant overrides live in the
 * control database (merchant_module_overrides). The module list is the plugin registry:
 * each entry is a module's defineModule() file.
 */
export default defineTenancyConfig({
  shardCount: 16,
  // Each tier lists the registered modules it gets; a module joins its tiers when it lands.
  tiers: {
    digital_menu: ['menu', 'analytics'],
    pre_ordering: ['menu', 'analytics', 'notifications', 'orders'],
    full_suite: ['menu', 'analytics', 'notifications', 'orders', 'ai_briefings', 'marketplace'],
  },
  modules: [
    () => import('#tenancy/module'),
    () => import('#menu/module'),
    () => import('#analytics/module'),
    () => import('#ai_briefings/module'),
    () => import('#notifications/module'),
    () => import('#orders/module'),
    () => import('#compliance/module'),
    () => import('#marketplace/module'),
  ],
  merchantCacheTtlSeconds: 3600,
})
