import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { UnauthorizedException } from '#core/exceptions/http_errors'
import { RoleRequiredException, MerchantRequiredException } from '#tenancy/exceptions'
import type { StaffRole } from '#tenancy/types'

/**
 * Staff of the current merchant, optionally with one of the given roles.
 * Example: middleware.staff({ roles: ['owner', 'manager'] })
 */
export function requireStaff(options: { roles?: StaffRole[] } = {}) {
  const roles = options.roles
  return function requireStaffMiddleware(ctx: HttpContext, next: NextFn) {
    if (!ctx.actor) throw new UnauthorizedException()
    if (!ctx.tenant) throw new MerchantRequiredException()
    if (ctx.actor.merchantId !== ctx.tenant.merchantId || !ctx.actor.role) {
      throw new RoleRequiredException('Only staff of this merchant can do this')
    }
    if (roles && !roles.includes(ctx.actor.role)) {
      throw new RoleRequiredException(`This needs one of these roles: ${roles.join(', ')}`)
    }
    return next()
  }
}
