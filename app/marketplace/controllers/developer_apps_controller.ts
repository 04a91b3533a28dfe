import type { HttpContext } from '@adonisjs/core/http'
import { developers } from '#marketplace/services/developers'
import { apps } from '#marketplace/services/apps'
import {
  createAppValidator,
  updateAppValidator,
} from '#marketplace/validators/marketplace_validators'
import { noStore, signedInUser } from '#marketplace/controllers/helpers'

/**
 * A developer's apps. The client secret appears in two answers only, creation and rotation
 * (`client_secret`); every other answer carries the public client id alone.
 */
export default class DeveloperAppsController {
  async index(ctx: HttpContext) {
    const developer = await developers.requireForUser(signedInUser(ctx))
    const rows = await apps.list(developer)
    noStore(ctx)
    return { data: rows.map((app) => app.serialize()) }
  }

  async store(ctx: HttpContext) {
    const developer = await developers.requireForUser(signedInUser(ctx))
    const input = await ctx.request.validateUsing(createAppValidator)
    const { app, secret } = await apps.create(developer, input)
    noStore(ctx)
    return ctx.response.created({ data: { ...app.serialize(), clientSecret: secret } })
  }

  async show(ctx: HttpContext) {
    const developer = await developers.requireForUser(signedInUser(ctx))
    const app = await apps.own(developer, ctx.params.id)
    noStore(ctx)
    return { data: app.serialize() }
  }

  async update(ctx: HttpContext) {
    const developer = await developers.requireForUser(signedInUser(ctx))
    // The app is looked up first: another developer's id is a 404 whatever the body says.
    const owned = await apps.own(developer, ctx.params.id)
    const input = await ctx.request.validateUsing(updateAppValidator)
    const app = await apps.update(developer, owned, input)
    noStore(ctx)
    return { data: app.serialize() }
  }

  async submit(ctx: HttpContext) {
    const developer = await developers.requireForUser(signedInUser(ctx))
    const app = await apps.submit(developer, ctx.params.id)
    noStore(ctx)
    return { data: app.serialize() }
  }

  async rotateSecret(ctx: HttpContext) {
    const developer = await developers.requireForUser(signedInUser(ctx))
    const { app, secret } = await apps.rotateSecret(developer, ctx.params.id)
    noStore(ctx)
    return {
      data: {
        id: app.id,
        clientId: app.clientId,
        clientSecret: secret,
        secretRotatedAt: app.secretRotatedAt,
      },
    }
  }

  async destroy(ctx: HttpContext) {
    const developer = await developers.requireForUser(signedInUser(ctx))
    await apps.destroy(developer, ctx.params.id)
    return ctx.response.noContent()
  }
}
