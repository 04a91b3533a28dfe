import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { UnauthorizedException } from '#core/exceptions/http_errors'
import { RoleRequiredException, MerchantRequiredException } from '#tenancy/exceptions'
import type { StaffRole } from '#tenancy/types'

/**
 * Staff of the current merchant, optionally with one of the given roles.
 * Example: middleware.staff({ roles: ['owner', 'manager'] })
 */
export default class RequireStaffMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { roles?: StaffRole[] } = {}) {
    if (!ctx.actor) throw new UnauthorizedException()
    if (!ctx.tenant) throw new MerchantRequiredException()
    if (ctx.actor.merchantId !== ctx.tenant.merchantId || !ctx.actor.role) {
      throw new RoleRequiredException('Only staff of this merchant can do this')
    }
    if (options.roles && !options.roles.includes(ctx.actor.role)) {
      throw new RoleRequiredException(`This needs one of these roles: ${options.roles.join(', ')}`)
    }
    return next()
  }
}
