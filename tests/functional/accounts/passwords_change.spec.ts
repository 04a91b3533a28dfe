import { test } from '@japa/runner'
import User from '#tenancy/models/user'
import { loginLockout } from '#config/rate_limits'
import { randomClientIp } from '#tests/support/app_process'
import { eventually } from '#tests/support/eventually'
import { expectStatus } from '#tests/support/http'
import { createMerchant, login, TEST_PASSWORD } from '#tests/support/merchants'
import { auditEntries, outbox, STRONG_PASSWORD } from './passwords_support.js'

function change(
  client: import('@japa/api-client').ApiClient,
  token: string | null,
  body: Record<string, unknown>
) {
  const request = client.post('/api/v1/auth/password/change').json(body)
  if (token) request.bearerToken(token)
  return request
}

const me = (client: import('@japa/api-client').ApiClient, token: string) =>
  client.get('/api/v1/auth/me').bearerToken(token)

test.group('Passwords: change with the current one', () => {
  test('signs out every other session, keeps this one; the new password works; mailed and audited', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const current = await login(client, email)
    const others = [await login(client, email), await login(client, email)]

    await expectStatus(
      change(client, current, { current_password: TEST_PASSWORD, password: STRONG_PASSWORD }),
      204
    )
    for (const other of others) await expectStatus(me(client, other), 401)
    await expectStatus(me(client, current), 200)
    await login(client, email, STRONG_PASSWORD)
    const refused = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email, password: TEST_PASSWORD })
    refused.assertStatus(401)

    assert.lengthOf(await outbox(email, 'password_changed'), 1)
    const user = await User.findByOrFail('email', email)
    const [entry] = await eventually('audited', async () => {
      const entries = await auditEntries('auth.password_changed', user.id)
      return entries.length ? entries : undefined
    })
    assert.equal(entry.actor_id, user.id)
    assert.equal(entry.new_values.revoked_tokens, 2)
  })

  test('a wrong current password is 403 E_WRONG_PASSWORD and counts towards the sign-in lockout', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    for (let i = 0; i < loginLockout.failures.requests; i++) {
      const wrong = await change(client, token, {
        current_password: 'not-my-password',
        password: STRONG_PASSWORD,
      })
      wrong.assertStatus(403)
      assert.equal(wrong.body().errors[0].code, 'E_WRONG_PASSWORD')
      assert.equal(wrong.body().errors[0].field, 'current_password')
    }
    // Locked now: the right password too, for changing and for signing in.
    const locked = await change(client, token, {
      current_password: TEST_PASSWORD,
      password: STRONG_PASSWORD,
    })
    locked.assertStatus(429)
    assert.equal(locked.body().errors[0].code, 'E_TOO_MANY_REQUESTS')
    const signIn = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email, password: TEST_PASSWORD })
    signIn.assertStatus(429)
    await expectStatus(me(client, token), 200)
  })

  test('a weak new password is refused with a reason and nothing changes', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    const other = await login(client, email)
    const weak = await change(client, token, {
      current_password: TEST_PASSWORD,
      password: email,
    })
    weak.assertStatus(422)
    assert.equal(weak.body().errors[0].code, 'E_WEAK_PASSWORD')
    await expectStatus(me(client, other), 200)
    await login(client, email, TEST_PASSWORD)
  })

  test('bad input is a 4xx with a code; signed out is 401', async ({ client, assert }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    const cases: Array<[string | null, Record<string, unknown>, number]> = [
      [null, { current_password: TEST_PASSWORD, password: STRONG_PASSWORD }, 401],
      ['gud_garbage', { current_password: TEST_PASSWORD, password: STRONG_PASSWORD }, 401],
      [token, { password: STRONG_PASSWORD }, 422],
      [token, { current_password: TEST_PASSWORD }, 422],
      [token, { current_password: 5, password: STRONG_PASSWORD }, 422],
      [token, { current_password: TEST_PASSWORD, password: ['x'] }, 422],
      [token, { current_password: TEST_PASSWORD, password: 'y'.repeat(2000) }, 422],
    ]
    for (const [auth, body, status] of cases) {
      const response = await change(client, auth, body)
      assert.equal(response.status(), status, JSON.stringify(body))
      assert.match(response.body().errors[0].code, /^E_[A-Z_]+$/)
    }
    await expectStatus(me(client, token), 200)
  })
})
