import type { HttpContext } from '@adonisjs/core/http'
import User from '#tenancy/models/user'
import { authService } from '#tenancy/services/auth_service'
import { secondFactors } from '#tenancy/services/second_factors'
import { sessionsService } from '#tenancy/services/sessions_service'
import { passwordService } from '#tenancy/services/password_service'
import { SECOND_FACTOR_ABILITY, secondFactorLogin } from '#tenancy/services/second_factor_login'
import {
  secondFactorCodeValidator,
  secondFactorLoginValidator,
  secondFactorProofValidator,
  secondFactorStartValidator,
} from '#tenancy/validators/second_factor_validators'
import { UnauthorizedException } from '#core/exceptions/http_errors'

/** The signed-in user's own second factor: there is no id in these routes, only the token's user. */
async function signedInUser({ actor }: HttpContext) {
  if (!actor) throw new UnauthorizedException()
  const user = await User.find(actor.userId)
  if (!user) throw new UnauthorizedException()
  return user
}

const proof = (input: { code?: string; recovery_code?: string }) =>
  input.code !== undefined ? { code: input.code } : { recoveryCode: input.recovery_code }

export default class SecondFactorController {
  async show(ctx: HttpContext) {
    const user = await signedInUser(ctx)
    ctx.response.header('Cache-Control', 'private, no-store')
    return secondFactors.status(user.id)
  }

  async start(ctx: HttpContext) {
    const user = await signedInUser(ctx)
    const { password } = await ctx.request.validateUsing(secondFactorStartValidator)
    await passwordService.assertCurrentPassword(user, password, 'password')
    ctx.response.header('Cache-Control', 'private, no-store')
    return secondFactors.start(user)
  }

  async confirm(ctx: HttpContext) {
    const user = await signedInUser(ctx)
    const { code } = await ctx.request.validateUsing(secondFactorCodeValidator)
    ctx.response.header('Cache-Control', 'private, no-store')
    const confirmed = await secondFactors.confirm(user, code)
    // Sessions opened with the password alone end: whoever held one must now pass the second factor.
    const signedOut = await sessionsService.revokeOthers(user.id, ctx.actor!.tokenId)
    return { ...confirmed, signed_out_sessions: signedOut }
  }

  async destroy(ctx: HttpContext) {
    const user = await signedInUser(ctx)
    const input = await ctx.request.validateUsing(secondFactorProofValidator)
    await secondFactors.disable(user, proof(input))
    return ctx.response.noContent()
  }

  async regenerateRecoveryCodes(ctx: HttpContext) {
    const user = await signedInUser(ctx)
    const { code } = await ctx.request.validateUsing(secondFactorCodeValidator)
    ctx.response.header('Cache-Control', 'private, no-store')
    return secondFactors.regenerateRecoveryCodes(user, code)
  }

  /** The second step of a sign-in: answers exactly what POST /login answers without a factor. */
  async login({ request, response }: HttpContext) {
    const input = await request.validateUsing(secondFactorLoginValidator)
    response.header('Cache-Control', 'private, no-store')
    const { user, merchant } = await secondFactorLogin.complete(input.challenge, proof(input))
    return authService.signIn(user, merchant, [SECOND_FACTOR_ABILITY])
  }
}
