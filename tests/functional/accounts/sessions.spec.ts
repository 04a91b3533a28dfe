import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import User from '#tenancy/models/user'
import { randomClientIp } from '#tests/support/app_process'
import { eventually } from '#tests/support/eventually'
import { expectStatus } from '#tests/support/http'
import { addMember, createMerchant, TEST_PASSWORD } from '#tests/support/merchants'
import { auditEntries, outbox, signIn, tokenId } from './passwords_support.js'

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148'

const sessions = (client: ApiClient, token: string) =>
  client.get('/api/v1/auth/sessions').bearerToken(token)
async function listed(client: ApiClient, token: string) {
  const response = await sessions(client, token)
  response.assertStatus(200)
  return response.body().data as any[]
}
const revoke = (client: ApiClient, token: string, id: string) =>
  client.delete(`/api/v1/auth/sessions/${id}`).bearerToken(token)
const me = (client: ApiClient, token: string) => client.get('/api/v1/auth/me').bearerToken(token)

test.group('Sessions', () => {
  test('lists the account’s unexpired tokens with device, address, merchant and which is current', async ({
    client,
    assert,
  }) => {
    const { email, merchant } = await createMerchant()
    const laptopIp = randomClientIp()
    const phoneIp = randomClientIp()
    const laptop = await signIn(client, email, TEST_PASSWORD, { ip: laptopIp, device: FIREFOX })
    const phone = await signIn(client, email, TEST_PASSWORD, {
      ip: phoneIp,
      device: `${PHONE} ${'x'.repeat(400)}`,
    })

    const response = await sessions(client, laptop)
    response.assertStatus(200)
    assert.equal(response.header('cache-control'), 'private, no-store')
    const all = response.body().data as any[]
    assert.lengthOf(all, 2)
    const mine = all.find((s) => s.id === tokenId(laptop))
    const other = all.find((s) => s.id === tokenId(phone))
    assert.deepInclude(mine, {
      device: FIREFOX,
      address: laptopIp,
      current: true,
      merchant: { id: merchant.id, slug: merchant.slug, name: merchant.name },
    })
    assert.isString(mine.created_at)
    assert.isString(mine.last_used_at)
    assert.include(other, { address: phoneIp, current: false })
    assert.isTrue(other.device.startsWith(PHONE))
    assert.isAtMost(other.device.length, 200, 'the user agent is truncated')
    assert.notProperty(mine, 'hash')
  })

  test('revokes one of the caller’s own; another account’s id or an unknown one is 404', async ({
    client,
    assert,
  }) => {
    const { email, merchant } = await createMerchant()
    const kept = await signIn(client, email, TEST_PASSWORD, { ip: randomClientIp() })
    const dropped = await signIn(client, email, TEST_PASSWORD, { ip: randomClientIp() })
    const elsewhere = await createMerchant()
    const stranger = await addMember(client, elsewhere.merchant.id)
    const colleague = await addMember(client, merchant.id)

    for (const id of [
      tokenId(stranger.token),
      tokenId(colleague.token),
      '999999999',
      'abc',
      '0',
      '1e3',
    ]) {
      const response = await revoke(client, kept, id)
      response.assertStatus(404)
      assert.equal(response.body().errors[0].code, 'E_SESSION_NOT_FOUND', id)
    }
    await expectStatus(me(client, stranger.token), 200)
    await expectStatus(me(client, colleague.token), 200)

    await expectStatus(revoke(client, kept, tokenId(dropped)), 204)
    await expectStatus(me(client, dropped), 401)
    await expectStatus(me(client, kept), 200)
    const left = await listed(client, kept)
    assert.deepEqual(
      left.map((s) => s.id),
      [tokenId(kept)]
    )
    await expectStatus(revoke(client, kept, tokenId(dropped)), 404)

    const user = await User.findByOrFail('email', email)
    const [entry] = await eventually('audited', async () => {
      const entries = await auditEntries('auth.session_revoked', user.id)
      return entries.length ? entries : undefined
    })
    assert.deepEqual(entry.new_values, { token_ids: [tokenId(dropped)], scope: 'one' })
  })

  test('revokes every session but the current one, across merchants', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const second = await createMerchant()
    const user = await User.findByOrFail('email', email)
    const { default: Membership } = await import('#tenancy/models/membership')
    await Membership.create({ userId: user.id, merchantId: second.merchant.id, role: 'manager' })

    const current = await signIn(
      client,
      email,
      TEST_PASSWORD,
      { ip: randomClientIp() },
      second.slug
    )
    const others = [
      await signIn(client, email, TEST_PASSWORD, { ip: randomClientIp() }, second.slug),
      await signIn(client, email, TEST_PASSWORD, { ip: randomClientIp() }),
    ]
    const bystander = await createMerchant()
    const bystanderToken = await signIn(client, bystander.email, TEST_PASSWORD, {
      ip: randomClientIp(),
    })

    const response = await client.delete('/api/v1/auth/sessions').bearerToken(current)
    response.assertStatus(200)
    assert.deepEqual(response.body(), { revoked: 2 })
    for (const other of others) await expectStatus(me(client, other), 401)
    await expectStatus(me(client, current), 200)
    await expectStatus(me(client, bystanderToken), 200)
    const left = await listed(client, current)
    assert.lengthOf(left, 1)
    assert.isTrue(left[0].current)
  })

  test('a sign-in from a device and address not seen among the account’s tokens is mailed', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const ip = randomClientIp()
    await signIn(client, email, TEST_PASSWORD, { ip, device: FIREFOX })
    assert.lengthOf(await outbox(email, 'sign_in_alert'), 1, 'the first sign-in is new')
    await signIn(client, email, TEST_PASSWORD, { ip, device: FIREFOX })
    assert.lengthOf(await outbox(email, 'sign_in_alert'), 1, 'same device and address: no mail')
    await signIn(client, email, TEST_PASSWORD, { ip: randomClientIp(), device: FIREFOX })
    await signIn(client, email, TEST_PASSWORD, { ip, device: PHONE })
    const alerts = await outbox(email, 'sign_in_alert')
    assert.lengthOf(alerts, 3)
    assert.include(alerts[2].body, PHONE)
    assert.include(alerts[2].body, ip)
  })

  test('signed out is 401; a malformed token is 401', async ({ client, assert }) => {
    for (const request of [
      client.get('/api/v1/auth/sessions'),
      client.delete('/api/v1/auth/sessions'),
      client.delete('/api/v1/auth/sessions/1'),
      client.get('/api/v1/auth/sessions').bearerToken('gud_nope'),
    ]) {
      const response = await request
      response.assertStatus(401)
      assert.equal(response.body().errors[0].code, 'E_UNAUTHORIZED')
    }
  })
})
