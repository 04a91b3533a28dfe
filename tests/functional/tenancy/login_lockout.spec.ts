import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import limiter from '@adonisjs/limiter/services/main'
import type { ApiClient } from '@japa/api-client'
import { loginLockout } from '#config/rate_limits'
import { loginAccountKey } from '#tenancy/services/login_lockout'
import { createMerchant, TEST_PASSWORD } from '#tests/support/merchants'
import { randomClientIp } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'

/** Each attempt from a fresh address: only the per-account limit can stop these. */
function attempt(client: ApiClient, email: string, password: string) {
  return client
    .post('/api/v1/auth/login')
    .header('X-Forwarded-For', randomClientIp())
    .json({ email, password })
}

async function failFiveTimes(client: ApiClient, email: string) {
  const statuses: number[] = []
  for (let i = 0; i < loginLockout.failures.requests; i++) {
    const response = await attempt(client, email, 'wrong-password')
    statuses.push(response.status())
  }
  return statuses
}

test.group('login lockout', () => {
  test('rotating X-Merchant does not multiply the per-address sign-in limit', async ({
    client,
    assert,
  }) => {
    const merchants = await Promise.all([createMerchant(), createMerchant(), createMerchant()])
    const ip = randomClientIp()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const response = await client
        .post('/api/v1/auth/login')
        .header('X-Forwarded-For', ip)
        .header('X-Merchant', merchants[i % 3].merchant.slug)
        .json({ email: `${randomUUID()}@x.test`, password: 'nope-nope' })
      statuses.push(response.status())
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429])
  })

  test('5 failures lock the account out, even for the right password: 429 with Retry-After, audited', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    assert.deepEqual(await failFiveTimes(client, email), [401, 401, 401, 401, 401])

    const locked = await attempt(client, email.toUpperCase(), TEST_PASSWORD)
    locked.assertStatus(429)
    assert.equal(locked.body().errors[0].code, 'E_TOO_MANY_REQUESTS')
    const retryAfter = Number(locked.header('retry-after'))
    assert.isAbove(retryAfter, loginLockout.firstLockoutSeconds - 60)
    assert.isAtMost(retryAfter, loginLockout.firstLockoutSeconds)

    const audit = await db
      .connection('control')
      .from('audit_log')
      .where({ action: 'auth.account_locked', resource_id: loginAccountKey(email) })
    assert.lengthOf(audit, 1)
    assert.equal(audit[0].resource_type, 'login_account')
    assert.isNull(audit[0].merchant_id)
    assert.deepInclude(audit[0].new_values, {
      lockout_number: 1,
      lockout_seconds: loginLockout.firstLockoutSeconds,
    })
    assert.isNotNull(audit[0].ip_address)
    assert.notInclude(JSON.stringify(audit[0]), email)
  })

  test('an unknown email is throttled exactly like a known one', async ({ client, assert }) => {
    const { email: known } = await createMerchant()
    const unknown = `nobody-${randomUUID()}@x.test`
    const answers = []
    for (const email of [known, unknown]) {
      assert.deepEqual(await failFiveTimes(client, email), [401, 401, 401, 401, 401])
      const locked = await attempt(client, email, 'wrong-password')
      answers.push({
        status: locked.status(),
        body: locked.body(),
        limit: locked.header('x-ratelimit-limit'),
      })
    }
    assert.equal(answers[0].status, 429)
    assert.deepEqual(answers[0], answers[1])
  })

  test('each lockout within a day is twice as long; a success clears the count', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const failures = limiter.use(loginLockout.failures)
    const expireLockout = () => failures.delete(`login_failures:${loginAccountKey(email)}`)

    await failFiveTimes(client, email)
    const locked = await attempt(client, email, TEST_PASSWORD)
    const first = Number(locked.header('retry-after'))
    await expireLockout()
    await failFiveTimes(client, email)
    const second = await attempt(client, email, TEST_PASSWORD)
    second.assertStatus(429)
    assert.isAbove(Number(second.header('retry-after')), first + 60)
    assert.isAtMost(Number(second.header('retry-after')), loginLockout.firstLockoutSeconds * 2)

    await expireLockout()
    await expectStatus(attempt(client, email, TEST_PASSWORD), 200)
    await failFiveTimes(client, email)
    const lockedAgain = await attempt(client, email, TEST_PASSWORD)
    const afterSuccess = Number(lockedAgain.header('retry-after'))
    assert.isAtMost(afterSuccess, loginLockout.firstLockoutSeconds)
  })

  test('failures below the limit are forgotten after a successful sign-in', async ({ client }) => {
    const { email } = await createMerchant()
    for (let i = 0; i < 4; i++) await expectStatus(attempt(client, email, 'wrong-password'), 401)
    await expectStatus(attempt(client, email, TEST_PASSWORD), 200)
    for (let i = 0; i < 4; i++) await expectStatus(attempt(client, email, 'wrong-password'), 401)
    await expectStatus(attempt(client, email, TEST_PASSWORD), 200)
  })
})
