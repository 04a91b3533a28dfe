import type { HttpContext } from '@adonisjs/core/http'
import { IANAZone } from 'luxon'
import { signUpValidator, verifyEmailValidator } from '#tenancy/validators/sign_up_validators'
import { signUp } from '#tenancy/services/sign_up_service'
import { UnauthorizedException, ValidationException } from '#core/exceptions/http_errors'

export default class SignUpController {
  /** POST /api/v1/auth/sign-up (public, throttled per client). */
  async store({ request, response }: HttpContext) {
    const input = await request.validateUsing(signUpValidator)
    if (!IANAZone.isValidZone(input.merchant.timezone))
      throw new ValidationException('Not an IANA time zone (e.g. Europe/Rome)', {
        field: 'merchant.timezone',
      })
    response.header('Cache-Control', 'private, no-store')
    const session = await signUp.signUp({
      email: input.email,
      password: input.password,
      fullName: input.full_name,
      merchant: input.merchant,
    })
    return response.status(201).send(session)
  }

  /** POST /api/v1/auth/verify-email { token } (public: the token is the credential). */
  async verify({ request, response }: HttpContext) {
    const { token } = await request.validateUsing(verifyEmailValidator)
    response.header('Cache-Control', 'private, no-store')
    return signUp.verifyEmail(token)
  }

  /** POST /api/v1/auth/verify-email/resend (signed in, throttled per account). */
  async resend({ actor, response }: HttpContext) {
    if (!actor) throw new UnauthorizedException()
    return response.status(202).send(await signUp.resendVerification(actor.userId))
  }
}
