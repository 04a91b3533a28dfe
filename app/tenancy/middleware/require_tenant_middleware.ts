import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { MerchantRequiredException } from '#tenancy/exceptions'

/** For routes that only make sense for a merchant. */
export default class RequireTenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (!ctx.tenant) throw new MerchantRequiredException()
    return next()
  }
}
