import type { ApiClient } from '@japa/api-client'
import redis from '@adonisjs/redis/services/main'
import User from '#tenancy/models/user'
import { secondFactors, totpFor } from '#tenancy/services/second_factors'
import { randomClientIp } from '#tests/support/app_process'
import { TEST_PASSWORD } from '#tests/support/merchants'

/**
 * A confirmed second factor for the account, as an operator enrols one: the secret (to make codes
 * with `codeAt`) and the ten recovery codes.
 */
export async function enrolSecondFactor(email: string) {
  const user = await User.findByOrFail('email', email)
  const { secret, recovery_codes: recoveryCodes } = await secondFactors.enrolByOperator(user)
  return { secret, recoveryCodes: [...recoveryCodes] }
}

/** The TOTP code of a secret at a moment (default now); `stepOffset` moves by 30-second steps. */
export function codeAt(secret: string, stepOffset = 0) {
  return totpFor(secret, 'test').generate({ timestamp: Date.now() + stepOffset * 30_000 })
}

/**
 * Signs in through both steps (password, then the second factor) from a random client address and
 * returns the token. A recovery code by default: the current TOTP code stays unused for the test.
 */
export async function loginWithSecondFactor(
  client: ApiClient,
  email: string,
  proof: { code?: string; recovery_code?: string },
  password = TEST_PASSWORD
) {
  const ip = randomClientIp()
  const first = await client
    .post('/api/v1/auth/login')
    .header('X-Forwarded-For', ip)
    .json({ email, password })
  first.assertStatus(200)
  const challenge = first.body().challenge
  if (!challenge) throw new Error(`no second-factor challenge for ${email}`)
  const second = await client
    .post('/api/v1/auth/login/second-factor')
    .header('X-Forwarded-For', ip)
    .json({ challenge, ...proof })
  second.assertStatus(200)
  return second.body().token as string
}

/**
 * Forgets this machine's own sign-in budget (the `auth` limit keyed by client address): the `gudbro`
 * CLI cannot send X-Forwarded-For, so its logins (two requests each with a second factor) all spend
 * the loopback address's 10 a minute. Only the Redis window is reset: keep each test under the limit.
 */
export async function resetLoopbackSignInLimit() {
  const keys = await redis.keys('ratelimit:auth:ip:*')
  const loopback = keys.filter((key) => /:(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/.test(key))
  if (loopback.length) await redis.del(...loopback)
}
