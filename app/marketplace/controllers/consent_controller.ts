import type { HttpContext } from '@adonisjs/core/http'
import { consent } from '#marketplace/services/consent'
import { OAuthInvalidRequestException } from '#marketplace/exceptions'
import { noStore, signedInUser } from '#marketplace/controllers/helpers'

/**
 * The consent screen's API (RFC 6749 4.1.1): the owner reads what an app asks for, then approves or
 * refuses; the answer is where the backoffice sends the browser.
 */
export default class ConsentController {
  async show(ctx: HttpContext) {
    noStore(ctx)
    const request = await consent.check(ctx.request.qs())
    return { data: await consent.describe(request) }
  }

  async decide(ctx: HttpContext) {
    noStore(ctx)
    const body = ctx.request.body()
    const request = await consent.check(body)
    if (typeof body.approve !== 'boolean')
      throw new OAuthInvalidRequestException('approve must be true or false', { field: 'approve' })
    const redirectTo = await consent.decide(request, body.approve, signedInUser(ctx))
    return { data: { redirect_to: redirectTo } }
  }
}
