import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { ModuleDefinition } from '#tenancy/modules/define_module'
import { moduleAvailability } from '#tenancy/modules/module_availability'
import { MerchantRequiredException, ModuleDisabledException } from '#tenancy/exceptions'
import { resolveTenant } from '#tenancy/middleware/resolve_tenant_middleware'

/**
 * Mounted by the registry on every module's routes: resolves the caller and the merchant
 * (resolve_tenant_middleware.ts), tags the route with its module and, for a non-core module, refuses
 * merchants that do not have it (tier, override, or statsig kill switch): 404 for the public, 403 for
 * the merchant's staff, who are told why. Platform routes (`{ platform: true }`) are tagged and
 * resolved the same way but serve no merchant, so they are never refused here. One function for both: every middleware step costs promises
 * on each request (benchmarks/kernel.ts).
 */
export function moduleGate(module: ModuleDefinition, options: { platform?: boolean } = {}) {
  const budget = module.budget ?? 'default'
  // A module's platform routes (developer and support APIs, defineModule({ platformRoutes })) serve
  // no merchant, so there is no merchant's module switch to check.
  const open = module.core || options.platform === true
  const gate = (ctx: HttpContext, next: NextFn) => {
    if (ctx.route) {
      ctx.route.meta.module = module.name
      ctx.route.meta.budget = budget
    }
    if (open) return next()
    const merchant = ctx.merchant
    if (!merchant) throw new MerchantRequiredException()
    const availability = moduleAvailability(module.name, merchant)
    if (availability !== 'available') {
      const staff = ctx.actor?.merchantId === merchant.id
      const why =
        availability === 'killed'
          ? 'is switched off for now'
          : `is not part of the ${merchant.tier} tier for this merchant`
      const error = new ModuleDisabledException(
        staff ? `The "${module.name}" module ${why}` : 'Not available for this merchant'
      )
      if (staff) error.status = 403
      throw error
    }
    return next()
  }
  return function moduleGateMiddleware(ctx: HttpContext, next: NextFn) {
    return resolveTenant(ctx, () => gate(ctx, next))
  }
}
