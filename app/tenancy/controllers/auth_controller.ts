import type { HttpContext } from '@adonisjs/core/http'
import { loginValidator } from '#tenancy/validators/auth_validators'
import { authService } from '#tenancy/services/auth_service'
import { UnauthorizedException } from '#core/exceptions/http_errors'

export default class AuthController {
  async login({ request, response }: HttpContext) {
    const input = await request.validateUsing(loginValidator)
    response.header('Cache-Control', 'private, no-store')
    return authService.login(input)
  }

  async logout({ actor, response }: HttpContext) {
    if (!actor) throw new UnauthorizedException()
    await authService.deleteToken(actor.userId, actor.tokenId)
    return response.noContent()
  }

  async me({ actor, response }: HttpContext) {
    if (!actor) throw new UnauthorizedException()
    response.header('Cache-Control', 'private, no-store')
    return authService.me(actor.userId, actor.merchantId, actor.role)
  }
}
