import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { UnauthorizedException } from '#core/exceptions/http_errors'
import { RoleRequiredException } from '#tenancy/exceptions'
import { SecondFactorRequiredException } from '#tenancy/second_factor_exceptions'

/**
 * Our own support staff (platform role `support`) signed in with a second factor, for /api/v1/admin.
 * Use as middleware.support().
 */
export function requireSupport(ctx: HttpContext, next: NextFn) {
  if (!ctx.actor) throw new UnauthorizedException()
  if (ctx.actor.platformRole !== 'support')
    throw new RoleRequiredException('Only platform support staff can do this')
  // Support can export and erase anyone's data: a token from a password alone is not enough.
  if (!ctx.actor.secondFactor) throw new SecondFactorRequiredException()
  return next()
}
