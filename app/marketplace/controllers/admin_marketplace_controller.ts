import type { HttpContext } from '@adonisjs/core/http'
import { developers } from '#marketplace/services/developers'
import { apps } from '#marketplace/services/apps'
import {
  appListValidator,
  developerListValidator,
  rejectAppValidator,
  supportReasonValidator,
} from '#marketplace/validators/marketplace_validators'
import { noStore } from '#marketplace/controllers/helpers'

/**
 * Platform support's side of the marketplace: verifying developers and reviewing apps. Every change
 * states a reason (a rejection its note), kept in the audit log with the support user.
 */
export default class AdminMarketplaceController {
  async developers(ctx: HttpContext) {
    const {
      page = 1,
      per_page: perPage = 50,
      status,
    } = await developerListValidator.validate(ctx.request.qs())
    const result = await developers.list({ status, page, perPage })
    noStore(ctx)
    return {
      data: result.all().map((developer) => developer.serialize()),
      meta: { page, per_page: perPage, total: result.total },
    }
  }

  async verify(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(supportReasonValidator)
    const developer = await developers.verify(ctx.params.id, ctx.actor?.userId ?? null, reason)
    return { data: developer.serialize() }
  }

  async suspend(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(supportReasonValidator)
    const developer = await developers.suspend(ctx.params.id, reason)
    return { data: developer.serialize() }
  }

  async apps(ctx: HttpContext) {
    const {
      page = 1,
      per_page: perPage = 50,
      status,
    } = await appListValidator.validate(ctx.request.qs())
    const result = await apps.reviewList({ status, page, perPage })
    noStore(ctx)
    return {
      data: result.all().map((app) => app.serialize()),
      meta: { page, per_page: perPage, total: result.total },
    }
  }

  async approve(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(supportReasonValidator)
    const app = await apps.approve(ctx.params.id, ctx.actor?.userId ?? null, reason)
    return { data: app.serialize() }
  }

  async reject(ctx: HttpContext) {
    const { note } = await ctx.request.validateUsing(rejectAppValidator)
    const app = await apps.reject(ctx.params.id, ctx.actor?.userId ?? null, note)
    return { data: app.serialize() }
  }

  async list(ctx: HttpContext) {
    const { reason } = await ctx.request.validateUsing(supportReasonValidator)
    const app = await apps.publish(ctx.params.id, ctx.actor?.userId ?? null, reason)
    return { data: app.serialize() }
  }
}
