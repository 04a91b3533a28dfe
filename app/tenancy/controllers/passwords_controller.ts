import type { HttpContext } from '@adonisjs/core/http'
import {
  changePasswordValidator,
  forgotPasswordValidator,
  resetPasswordValidator,
} from '#tenancy/validators/password_validators'
import { passwordService } from '#tenancy/services/password_service'
import { UnauthorizedException } from '#core/exceptions/http_errors'

/** One answer for every address: known or not, limited or not (no account enumeration). */
const FORGOT_ANSWER = {
  message: 'If an account uses this address, a link to choose a new password is on its way.',
}

export default class PasswordsController {
  async forgot({ request, response }: HttpContext) {
    const { email } = await request.validateUsing(forgotPasswordValidator)
    await passwordService.requestReset(email)
    response.header('Cache-Control', 'private, no-store')
    return response.accepted(FORGOT_ANSWER)
  }

  async reset({ request, response }: HttpContext) {
    const { token, password } = await request.validateUsing(resetPasswordValidator)
    await passwordService.reset(token, password)
    return response.noContent()
  }

  async change({ actor, request, response }: HttpContext) {
    if (!actor) throw new UnauthorizedException()
    const input = await request.validateUsing(changePasswordValidator)
    await passwordService.change(
      actor.userId,
      actor.tokenId,
      input.current_password,
      input.password
    )
    return response.noContent()
  }
}
