import db from '@adonisjs/lucid/services/db'
import User from '#tenancy/models/user'
import { secondFactors, type SecondFactorProof } from '#tenancy/services/second_factors'
import {
  SecondFactorChallengeInvalidException,
  SecondFactorEnrolmentRequiredException,
} from '#tenancy/second_factor_exceptions'
import { hashAccountToken, newAccountToken } from '#tenancy/services/account_tokens'

/** The ability that marks an access token issued after a second factor (the admin API needs it). */
export const SECOND_FACTOR_ABILITY = 'second_factor'
export const CHALLENGE_TTL_SECONDS = 5 * 60
const CHALLENGE_PREFIX = 'sfc_'

const control = () => db.connection('control')

/**
 * The step between a right password and an access token for accounts with a second factor: the
 * password answers an opaque challenge (single use, five minutes, stored as a digest), and the
 * challenge with a code (or a recovery code) gets the token login would have given.
 */
class SecondFactorLogin {
  /**
   * After the password was verified: null when no second factor is needed (login goes on), else the
   * answer that asks for one. Platform support without a factor gets no token at all.
   */
  async challengeFor(user: User, merchant?: string) {
    if (!(await secondFactors.isEnabled(user.id))) {
      if (user.platformRole === 'support') throw new SecondFactorEnrolmentRequiredException()
      return null
    }
    const challenge = CHALLENGE_PREFIX + newAccountToken()
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000)
    // Expired challenges are swept here: the table stays as small as the sign-ins in progress.
    await control().from('second_factor_challenges').where('expires_at', '<', new Date()).delete()
    await control()
      .table('second_factor_challenges')
      .insert({
        token_hash: hashAccountToken(challenge),
        user_id: user.id,
        merchant: merchant ?? null,
        expires_at: expiresAt,
      })
    return {
      second_factor_required: true as const,
      challenge,
      expires_at: expiresAt.toISOString(),
    }
  }

  /**
   * Checks the challenge and the code; the challenge is spent only by a right code (a typo does not
   * cost the password again; guesses count against the account's lockout). Returns whom to sign in.
   */
  async complete(challenge: string, proof: SecondFactorProof) {
    const tokenHash = hashAccountToken(challenge)
    const row = await control()
      .from('second_factor_challenges')
      .where('token_hash', tokenHash)
      .where('expires_at', '>', new Date())
      .first()
    if (!row) throw new SecondFactorChallengeInvalidException()
    const user = await User.find(row.user_id)
    if (!user) throw new SecondFactorChallengeInvalidException()
    await secondFactors.verify(user, proof)
    const spent = await control()
      .from('second_factor_challenges')
      .where('token_hash', tokenHash)
      .where('expires_at', '>', new Date())
      .delete()
    if (!spent) throw new SecondFactorChallengeInvalidException()
    return { user, merchant: (row.merchant as string | null) ?? undefined }
  }
}

export const secondFactorLogin = new SecondFactorLogin()
