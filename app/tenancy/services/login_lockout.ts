import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import limiter from '@adonisjs/limiter/services/main'
import { loginLockout } from '#config/rate_limits'
import { rateLimitRejectionsTotal } from '#core/observability/metrics'
import { keyedDigest } from '#core/privacy/keyed_digest'
import { normaliseEmail } from '#core/privacy/contact'
import { InvalidCredentialsException } from '#tenancy/exceptions'
import '#tenancy/events'

/**
 * The Redis key of an account: a keyed digest of the normalised email. Unknown emails get keys like
 * known ones: the lockout says nothing about whether an account exists.
 */
export function loginAccountKey(email: string) {
  return keyedDigest(normaliseEmail(email))
}

/**
 * Per-account limit on failed sign-ins, on top of the per-address limit of the route: the failures
 * counter locks the account once full, each lockout within a day twice as long as the one before.
 * A success clears both counters.
 */
class LoginLockout {
  #failures = limiter.use(loginLockout.failures)
  #lockouts = limiter.use({ requests: 1_000_000, duration: loginLockout.memory })

  /** Runs the credential check under the account's limit; only InvalidCredentials counts as a failure. */
  async guard<T>(email: string, verify: () => Promise<T>): Promise<T> {
    const account = loginAccountKey(email)
    const [throttled, result] = await this.#failures
      .penalize(`login_failures:${account}`, verify)
      .catch(async (error) => {
        if (error instanceof InvalidCredentialsException) await this.#afterFailure(account)
        throw error
      })
    if (throttled) {
      rateLimitRejectionsTotal.inc({ limiter: 'login_account' })
      throw throttled
    }
    await this.#lockouts.delete(`login_lockouts:${account}`)
    return result
  }

  /** Lifts the account's lockout and forgets its failures (its password was just reset by mail). */
  async clear(email: string) {
    const account = loginAccountKey(email)
    await this.#failures.delete(`login_failures:${account}`)
    await this.#lockouts.delete(`login_lockouts:${account}`)
  }

  async #afterFailure(account: string) {
    const failuresKey = `login_failures:${account}`
    if ((await this.#failures.remaining(failuresKey)) > 0) return
    const { consumed: lockoutNumber } = await this.#lockouts.increment(`login_lockouts:${account}`)
    const seconds = Math.min(
      loginLockout.firstLockoutSeconds * 2 ** (lockoutNumber - 1),
      loginLockout.maxLockoutSeconds
    )
    await this.#failures.block(failuresKey, seconds)
    // A sign-in must not fail because the audit trail could not be written: that is logged instead.
    await emitter
      .emit('auth.account_locked', { accountKey: account, lockoutNumber, seconds })
      .catch((error) => {
        logger.error({ err: error }, 'auth: account lockout not recorded')
      })
  }
}

export const loginLockoutService = new LoginLockout()
