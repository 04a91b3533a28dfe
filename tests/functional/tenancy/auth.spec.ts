import { test } from '@japa/runner'
import { createMerchant, login, TEST_PASSWORD } from '#tests/support/merchants'
import { randomClientIp } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'

test.group('auth: login, me, logout', () => {
  test('login returns a token bound to the merchant; me describes the user', async ({
    client,
    assert,
  }) => {
    const { merchant, email } = await createMerchant()
    const response = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email: email.toUpperCase(), password: TEST_PASSWORD })
    response.assertStatus(200)
    assert.match(response.body().token, /^gud_/)
    assert.equal(response.body().user.email, email)
    assert.notProperty(response.body().user, 'password')
    assert.deepInclude(response.body().merchant, {
      id: merchant.id,
      slug: merchant.slug,
      role: 'owner',
    })
    assert.equal(response.header('cache-control'), 'private, no-store')

    const me = await client.get('/api/v1/auth/me').bearerToken(response.body().token)
    me.assertStatus(200)
    assert.equal(me.body().user.email, email)
    assert.equal(me.body().merchant.id, merchant.id)
  })

  test('wrong password and unknown email get the same 401', async ({ client, assert }) => {
    const { email } = await createMerchant()
    const wrong = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email, password: 'not-the-password' })
    const unknown = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email: 'nobody@nowhere.test', password: 'whatever-1' })
    wrong.assertStatus(401)
    unknown.assertStatus(401)
    assert.deepEqual(wrong.body(), unknown.body())
    assert.equal(wrong.body().errors[0].code, 'E_INVALID_CREDENTIALS')
  })

  test('bad input is a 422 naming the fields', async ({ client, assert }) => {
    const response = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email: 'not-an-email' })
    response.assertStatus(422)
    const fields = response.body().errors.map((e: { field: string }) => e.field)
    assert.includeMembers(fields, ['email', 'password'])
    assert.isTrue(response.body().errors.every((e: { code: string }) => e.code === 'E_VALIDATION'))
  })

  test('logout revokes the token', async ({ client }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    await expectStatus(client.post('/api/v1/auth/logout').bearerToken(token), 204)
    const after = await client.get('/api/v1/auth/me').bearerToken(token)
    after.assertStatus(401)
    after.assertBodyContains({ errors: [{ code: 'E_UNAUTHORIZED' }] })
  })

  test('me without a token is 401; a forged token is 401', async ({ client }) => {
    await expectStatus(client.get('/api/v1/auth/me'), 401)
    await expectStatus(client.get('/api/v1/auth/me').bearerToken('gud_Zm9yZ2Vk.bm9wZQ'), 401)
  })

  test('a user in two merchants chooses one at login; naming a foreign merchant is 403', async ({
    client,
    assert,
  }) => {
    const first = await createMerchant()
    const second = await createMerchant()
    const { onboarding } = await import('#tenancy/services/onboarding_service')
    const third = await onboarding.onboard({
      slug: `${first.merchant.slug}-b`,
      name: 'Second shop',
      vertical: 'coffeeshop',
      tier: 'pre_ordering',
      owner: { email: first.email, password: TEST_PASSWORD },
    })
    const ambiguous = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email: first.email, password: TEST_PASSWORD })
    assert.isNull(ambiguous.body().merchant)
    assert.lengthOf(ambiguous.body().memberships, 2)
    const chosen = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email: first.email, password: TEST_PASSWORD, merchant: third.slug })
    assert.equal(chosen.body().merchant.id, third.id)
    const foreign = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email: first.email, password: TEST_PASSWORD, merchant: second.merchant.slug })
    foreign.assertStatus(403)
  })
})
