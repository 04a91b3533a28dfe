import type { HttpContext } from '@adonisjs/core/http'
import { developers } from '#marketplace/services/developers'
import { developerAccountValidator } from '#marketplace/validators/marketplace_validators'
import { DeveloperNotFoundException } from '#marketplace/exceptions'
import { noStore, signedInUser } from '#marketplace/controllers/helpers'

/** A user's own developer account: created pending, verified by platform support. */
export default class DeveloperAccountController {
  async store(ctx: HttpContext) {
    const userId = signedInUser(ctx)
    const input = await ctx.request.validateUsing(developerAccountValidator)
    const developer = await developers.create(userId, input)
    noStore(ctx)
    return ctx.response.created({ data: developer.serialize() })
  }

  async show(ctx: HttpContext) {
    const developer = await developers.forUser(signedInUser(ctx))
    if (!developer) throw new DeveloperNotFoundException('You have no developer account')
    noStore(ctx)
    return { data: developer.serialize() }
  }
}
