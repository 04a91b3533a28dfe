import { test } from '@japa/runner'
import { ownerToken } from '#tests/support/merchants'
import { enqueueCommitted, merchantWithSettings } from './helpers.js'
import { expectStatus } from '#tests/support/http'

const auth = (token: string) => ({ Authorization: `Bearer ${token}` })

test.group('Notifications settings API', () => {
  test('an owner reads and updates channel settings; the webhook secret can be rotated', async ({
    client,
    assert,
  }) => {
    const owner = await ownerToken(client)
    const first = await client.get('/api/v1/notifications/settings').headers(auth(owner.token))
    first.assertStatus(200)
    assert.deepEqual(first.body().data.routes, {})
    assert.match(first.body().data.webhook_secret, /^whsec_[0-9a-f]{48}$/)

    const updated = await client
      .put('/api/v1/notifications/settings')
      .headers(auth(owner.token))
      .json({
        routes: { 'order.created': ['email', 'webhook'], 'order.status_changed': ['push'] },
        email_recipients: ['a@shop.test', 'a@shop.test', 'b@shop.test'],
        webhook_url: 'https://hooks.shop.test/gudbro',
      })
    updated.assertStatus(200)
    assert.deepEqual(updated.body().data.routes['order.created'], ['email', 'webhook'])
    assert.deepEqual(updated.body().data.email_recipients, ['a@shop.test', 'b@shop.test'])
    assert.equal(updated.body().data.webhook_secret, first.body().data.webhook_secret)

    const rotated = await client
      .post('/api/v1/notifications/settings/webhook-secret')
      .headers(auth(owner.token))
    rotated.assertStatus(200)
    assert.notEqual(rotated.body().data.webhook_secret, first.body().data.webhook_secret)
    assert.equal(rotated.body().data.webhook_url, 'https://hooks.shop.test/gudbro')
  })

  test('bad input is a 422 naming the field', async ({ client, assert }) => {
    const owner = await ownerToken(client)
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ routes: { 'order.created': ['fax'] } }, 'routes.order.created.0'],
      [{ routes: { 'Not An Event': ['email'] } }, 'routes'],
      [{ webhook_url: 'ftp://files.shop.test/hook' }, 'webhook_url'],
      [{ email_recipients: ['not-an-email'] }, 'email_recipients.0'],
      [{ sms_recipients: ['0123'] }, 'sms_recipients.0'],
    ]
    for (const [body, field] of cases) {
      const response = await client
        .put('/api/v1/notifications/settings')
        .headers(auth(owner.token))
        .json(body)
      response.assertStatus(422)
      assert.include(
        response.body().errors.map((error: { field: string }) => error.field),
        field,
        JSON.stringify(body)
      )
    }
  })

  test("another merchant's notifications and push subscriptions are 404", async ({
    client,
    assert,
  }) => {
    const a = await merchantWithSettings(client, {
      routes: { 'order.created': ['sms'] },
      sms_recipients: ['+441234567890'],
    })
    const b = await ownerToken(client)
    const [notificationId] = await enqueueCommitted(a.merchantId, {
      event: 'order.created',
      payload: {},
    })

    const mine = await client
      .get(`/api/v1/notifications/outbox/${notificationId}`)
      .headers(auth(a.token))
    mine.assertStatus(200)
    assert.equal(mine.body().data.type, 'sms')
    await expectStatus(
      client.get(`/api/v1/notifications/outbox/${notificationId}`).headers(auth(b.token)),
      404
    )
    await expectStatus(
      client.get('/api/v1/notifications/outbox/not-a-uuid').headers(auth(b.token)),
      404
    )
    const listed = await client.get('/api/v1/notifications/outbox').headers(auth(b.token))
    assert.lengthOf(listed.body().data, 0)

    const subscription = await client
      .post('/api/v1/notifications/push-subscriptions')
      .headers(auth(a.token))
      .json({
        endpoint: 'https://push.example.test/sub/1',
        keys: { p256dh: 'BExampleKey', auth: 'c2VjcmV0' },
      })
    subscription.assertStatus(201)
    const subscriptionId = subscription.body().data.id
    await expectStatus(
      client
        .delete(`/api/v1/notifications/push-subscriptions/${subscriptionId}`)
        .headers(auth(b.token)),
      404
    )
    await expectStatus(
      client
        .delete(`/api/v1/notifications/push-subscriptions/${subscriptionId}`)
        .headers(auth(a.token)),
      204
    )

    // A staff token of A naming merchant B is refused, never a switch.
    const crossed = await client
      .get('/api/v1/notifications/settings')
      .headers({ ...auth(a.token), 'X-Merchant': b.merchant.slug })
    crossed.assertStatus(403)
  })

  test('merchants on a tier without the module cannot reach it', async ({ client }) => {
    const owner = await ownerToken(client, { tier: 'digital_menu' })
    const response = await client.get('/api/v1/notifications/settings').headers(auth(owner.token))
    response.assertStatus(403)
    response.assertBodyContains({ errors: [{ code: 'E_MODULE_DISABLED' }] })
  })

  test('settings need staff credentials', async ({ client }) => {
    await expectStatus(client.get('/api/v1/notifications/settings'), 400)
  })
})
