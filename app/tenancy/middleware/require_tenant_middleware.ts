import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { MerchantRequiredException } from '#tenancy/exceptions'

/** For routes that only make sense for a merchant. Use as middleware.tenant(). */
export function requireTenant(ctx: HttpContext, next: NextFn) {
  if (!ctx.tenant) throw new MerchantRequiredException()
  return next()
}
