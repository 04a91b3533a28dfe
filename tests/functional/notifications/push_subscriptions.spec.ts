import { test } from '@japa/runner'
import { randomBytes, randomUUID } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import { tenantDb } from '#tenancy/index'
import { addMember, ownerToken } from '#tests/support/merchants'
import { inTenant } from './helpers.js'

function subscription(endpoint: string) {
  return {
    endpoint,
    keys: {
      p256dh: randomBytes(65).toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
  }
}

function subscribe(client: ApiClient, token: string, body: ReturnType<typeof subscription>) {
  return client
    .post('/api/v1/notifications/push-subscriptions')
    .header('Authorization', `Bearer ${token}`)
    .json(body)
}

function rowOf(merchantId: string, id: string) {
  return inTenant(merchantId, () =>
    tenantDb('write').from('push_subscriptions').where('id', id).first()
  )
}

test.group('Notifications: push subscriptions belong to their staff member', () => {
  test("another staff member cannot take over an endpoint's row or its keys", async ({
    client,
    assert,
  }) => {
    const owner = await ownerToken(client)
    const colleague = await addMember(client, owner.merchant.id, 'staff')
    const endpoint = `https://push.example.test/${randomUUID()}`
    const mine = subscription(endpoint)
    const created = await subscribe(client, colleague.token, mine)
    created.assertStatus(201)

    const takeover = await subscribe(client, owner.token, subscription(endpoint))
    takeover.assertStatus(409)
    assert.equal(takeover.body().errors[0].code, 'E_CONFLICT')
    assert.equal(takeover.body().errors[0].field, 'endpoint')
    const row = await rowOf(owner.merchant.id, created.body().data.id)
    assert.equal(row.user_id, colleague.user.id)
    assert.equal(row.p256dh, mine.keys.p256dh)
    assert.equal(row.auth, mine.keys.auth)

    // Its owner renews the keys of the same row.
    const renewed = subscription(endpoint)
    const again = await subscribe(client, colleague.token, renewed)
    again.assertStatus(201)
    assert.equal(again.body().data.id, created.body().data.id)
    const stored = await rowOf(owner.merchant.id, created.body().data.id)
    assert.equal(stored.auth, renewed.keys.auth)
  })

  test("only its staff member removes a subscription; another's or another merchant's is a 404", async ({
    client,
    assert,
  }) => {
    const owner = await ownerToken(client)
    const colleague = await addMember(client, owner.merchant.id, 'staff')
    const other = await ownerToken(client)
    const created = await subscribe(
      client,
      colleague.token,
      subscription(`https://push.example.test/${randomUUID()}`)
    )
    created.assertStatus(201)
    const id = created.body().data.id

    for (const token of [owner.token, other.token]) {
      const refused = await client
        .delete(`/api/v1/notifications/push-subscriptions/${id}`)
        .header('Authorization', `Bearer ${token}`)
      refused.assertStatus(404)
      assert.equal(refused.body().errors[0].code, 'E_NOT_FOUND')
    }
    assert.isOk(await rowOf(owner.merchant.id, id))

    const removed = await client
      .delete(`/api/v1/notifications/push-subscriptions/${id}`)
      .header('Authorization', `Bearer ${colleague.token}`)
    removed.assertStatus(204)
    assert.isNotOk(await rowOf(owner.merchant.id, id))
  })

  test("the same endpoint at another merchant is that merchant's own row", async ({
    client,
    assert,
  }) => {
    const first = await ownerToken(client)
    const second = await ownerToken(client)
    const endpoint = `https://push.example.test/${randomUUID()}`
    const firstKeys = subscription(endpoint)
    const a = await subscribe(client, first.token, firstKeys)
    const b = await subscribe(client, second.token, subscription(endpoint))
    a.assertStatus(201)
    b.assertStatus(201)
    assert.notEqual(a.body().data.id, b.body().data.id)
    const stored = await rowOf(first.merchant.id, a.body().data.id)
    assert.equal(stored.auth, firstKeys.keys.auth)
    const crossTenant = await client
      .delete(`/api/v1/notifications/push-subscriptions/${a.body().data.id}`)
      .header('Authorization', `Bearer ${second.token}`)
    crossTenant.assertStatus(404)
  })
})
