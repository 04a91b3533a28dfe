import { test } from '@japa/runner'
import { createMerchant, login } from '#tests/support/merchants'
import { supportToken } from '../compliance/helpers.js'
import { expectStatus } from '#tests/support/http'

test.group('Tenancy: suspending a merchant', () => {
  test('support suspends with a reason; staff are refused everything but signing out; reactivation restores', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchant()
    const support = await supportToken(client)
    const token = await login(client, shop.email)
    const suspend = (body: object) =>
      client
        .post(`/api/v1/admin/merchants/${shop.merchant.slug}/suspend`)
        .bearerToken(support.token)
        .json(body)

    const noReason = await suspend({})
    noReason.assertStatus(422)
    await expectStatus(
      client
        .post(`/api/v1/admin/merchants/${shop.merchant.slug}/suspend`)
        .bearerToken(token)
        .json({ reason: 'mine' }),
      403
    )
    await expectStatus(
      client
        .post('/api/v1/admin/merchants/no-such-shop/suspend')
        .bearerToken(support.token)
        .json({ reason: 'who' }),
      404
    )

    const suspended = await suspend({ reason: 'chargebacks under review' })
    suspended.assertStatus(200)
    assert.deepEqual(suspended.body().data, { merchant_id: shop.merchant.id, status: 'suspended' })
    const refused = await client.get('/api/v1/tenancy/locations').bearerToken(token)
    refused.assertStatus(403)
    refused.assertBodyContains({ errors: [{ code: 'E_MERCHANT_SUSPENDED' }] })
    await expectStatus(
      client.get('/api/v1/tenancy/merchant').header('X-Merchant', shop.merchant.slug),
      403
    )

    // Signing out works, and really revokes the token.
    await expectStatus(client.post('/api/v1/auth/logout').bearerToken(token), 204)
    await expectStatus(client.post('/api/v1/auth/logout').bearerToken(token), 401)

    const reactivated = await client
      .post(`/api/v1/admin/merchants/${shop.merchant.slug}/reactivate`)
      .bearerToken(support.token)
      .json({ reason: 'cleared' })
    reactivated.assertStatus(200)
    assert.equal(reactivated.body().data.status, 'active')
    await expectStatus(
      client.get('/api/v1/tenancy/locations').bearerToken(await login(client, shop.email)),
      200
    )
  })
})
