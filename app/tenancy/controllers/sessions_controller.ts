import type { HttpContext } from '@adonisjs/core/http'
import { sessionsService } from '#tenancy/services/sessions_service'
import { UnauthorizedException } from '#core/exceptions/http_errors'

/** The signed-in account's own sessions (access tokens), across all its merchants. */
export default class SessionsController {
  async index({ actor, response }: HttpContext) {
    if (!actor) throw new UnauthorizedException()
    response.header('Cache-Control', 'private, no-store')
    return { data: await sessionsService.list(actor.userId, actor.tokenId) }
  }

  async destroy({ actor, params, response }: HttpContext) {
    if (!actor) throw new UnauthorizedException()
    await sessionsService.revoke(actor.userId, String(params.id))
    return response.noContent()
  }

  async destroyOthers({ actor }: HttpContext) {
    if (!actor) throw new UnauthorizedException()
    return { revoked: await sessionsService.revokeOthers(actor.userId, actor.tokenId) }
  }
}
