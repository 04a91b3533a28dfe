import hash from '@adonisjs/core/services/hash'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { loginLockoutService } from '#tenancy/services/login_lockout'
import { secondFactorLogin } from '#tenancy/services/second_factor_login'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { accessRevocations } from '#core/revocation/access_revocations'
import { recordSignIn } from '#tenancy/services/sign_in_alerts'
import { UnauthorizedException } from '#core/exceptions/http_errors'
import { InvalidCredentialsException, RoleRequiredException } from '#tenancy/exceptions'

// Verified against when the email is unknown, so both paths cost one scrypt (no user enumeration by timing).
let dummyHash: Promise<string> | undefined

export class AuthService {
  /**
   * Checks credentials and issues an access token. A staff token is bound to one merchant: the one
   * named, or the only one the user belongs to. Several memberships and none named: a token without
   * a merchant, and the list to choose from.
   */
  async login(input: { email: string; password: string; merchant?: string }) {
    const user = await loginLockoutService.guard(input.email, () =>
      this.#verifyCredentials(input.email, input.password)
    )
    // An account with a second factor gets a challenge instead (completed by signIn after the code).
    const challenge = await secondFactorLogin.challengeFor(user, input.merchant)
    if (challenge) return challenge
    return this.signIn(user, input.merchant)
  }

  /**
   * Issues the token of a verified sign-in; `abilities` mark how it was verified. The token is stamped
   * with the request's device and address; `alert: false` (a sign-up's first token) mails no alert.
   */
  async signIn(
    user: User,
    merchant?: string,
    abilities: string[] = [],
    options: { alert?: boolean } = {}
  ) {
    const memberships = await Membership.query().where('user_id', user.id).preload('merchant')
    let chosen: Membership | undefined
    if (merchant) {
      const ref = merchant.toLowerCase()
      chosen = memberships.find((m) => m.merchantId === ref || m.merchant.slug === ref)
      if (!chosen) throw new RoleRequiredException('You are not a member of this merchant')
    } else if (memberships.length === 1) {
      chosen = memberships[0]
    }

    const token = await User.accessTokens.create(
      user,
      [...(chosen ? [`merchant:${chosen.merchantId}`] : ['*']), ...abilities],
      {
        name: chosen ? `staff:${chosen.merchant.slug}` : 'user',
      }
    )
    await recordSignIn(user, String(token.identifier), options)
    return {
      token: token.value!.release(),
      expires_at: token.expiresAt?.toISOString() ?? null,
      user: this.describeUser(user),
      merchant: chosen
        ? {
            id: chosen.merchantId,
            slug: chosen.merchant.slug,
            name: chosen.merchant.name,
            role: chosen.role,
          }
        : null,
      memberships: memberships.map((m) => ({
        merchant_id: m.merchantId,
        slug: m.merchant.slug,
        role: m.role,
      })),
    }
  }

  async #verifyCredentials(email: string, password: string) {
    const user = await User.findByEmail(email)
    if (!user || !user.password) {
      await hash.verify(await (dummyHash ??= hash.make('not-a-password')), password)
      throw new InvalidCredentialsException()
    }
    if (!(await hash.verify(user.password, password))) throw new InvalidCredentialsException()
    return user
  }

  /**
   * Deletes one of the user's tokens (signing out deletes the token in use). It stops working in every
   * process at once: cached verifications are dropped and its open sockets closed (core/revocation).
   */
  async deleteToken(userId: string, tokenId: string) {
    const user = await User.find(userId)
    const deleted = user ? await User.accessTokens.delete(user, tokenId) : 0
    if (deleted) await accessRevocations.publish({ reason: 'signed_out', tokenId, userId })
  }

  describeUser(user: User) {
    return {
      id: user.id,
      email: user.email,
      full_name: user.fullName,
      platform_role: user.platformRole,
      email_verified: user.emailVerifiedAt !== null,
    }
  }

  async me(userId: string, merchantId: string | null, role: string | null) {
    const user = await User.find(userId)
    if (!user) throw new UnauthorizedException()
    const merchant = merchantId ? await merchantDirectory.byId(merchantId) : null
    return {
      user: this.describeUser(user),
      merchant: merchant
        ? {
            id: merchant.id,
            slug: merchant.slug,
            name: merchant.name,
            role,
            modules: merchant.modules,
          }
        : null,
    }
  }
}

export const authService = new AuthService()
