import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { ModuleDefinition } from '#tenancy/modules/define_module'
import { featureFlags } from '#tenancy/services/feature_flags'
import { MerchantRequiredException, ModuleDisabledException } from '#tenancy/exceptions'

/**
 * Mounted by the registry on every module's routes. Tags the route with its module; for a
 * non-core module, refuses merchants that do not have it (tier, override, or statsig kill switch):
 * 404 for the public, 403 for the merchant's staff, who are told why.
 */
export function moduleGate(module: ModuleDefinition) {
  const budget = module.budget ?? 'default'
  return async function moduleGateMiddleware(ctx: HttpContext, next: NextFn) {
    if (ctx.route) {
      ctx.route.meta.module = module.name
      ctx.route.meta.budget = budget
    }
    if (module.core) return next()
    const tenant = ctx.tenant
    if (!tenant) throw new MerchantRequiredException()
    const enabled = tenant.modules.has(module.name)
    const killed =
      enabled &&
      featureFlags.moduleKilled(module.name, { merchantId: tenant.merchantId, tier: tenant.tier })
    if (!enabled || killed) {
      const staff = ctx.actor?.merchantId === tenant.merchantId
      const why = killed
        ? 'is switched off for now'
        : `is not part of the ${tenant.tier} tier for this merchant`
      const error = new ModuleDisabledException(
        staff ? `The "${module.name}" module ${why}` : 'Not available for this merchant'
      )
      if (staff) error.status = 403
      throw error
    }
    return next()
  }
}
