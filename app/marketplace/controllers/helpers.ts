import type { HttpContext } from '@adonisjs/core/http'
import { UnauthorizedException } from '#core/exceptions/http_errors'

/** The signed-in user behind the request's access token (any user: developers need no merchant). */
export function signedInUser(ctx: HttpContext) {
  if (!ctx.actor) throw new UnauthorizedException()
  return ctx.actor.userId
}

/** Answers about developers and apps change with every review step: never cached. */
export function noStore(ctx: HttpContext) {
  ctx.response.header('Cache-Control', 'private, no-store')
}
