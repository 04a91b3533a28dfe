import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { ORDER_STATUSES, TRANSITIONS, type OrderStatus } from '#orders/index'
import {
  buildMenu,
  createSlot,
  customerToken,
  guest,
  postOrder,
  staffToken,
} from './orders_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'
import { expectStatus } from '#tests/support/http'

/** The shortest legal path from pending to each status. */
const PATH: Record<OrderStatus, OrderStatus[]> = {
  pending: [],
  accepted: ['accepted'],
  rejected: ['rejected'],
  preparing: ['accepted', 'preparing'],
  ready: ['accepted', 'preparing', 'ready'],
  completed: ['accepted', 'preparing', 'ready', 'completed'],
  cancelled: ['cancelled'],
}

async function shopWithSlot(client: ApiClient) {
  const shop = await createMerchantWithToken()
  const menu = await buildMenu(client, shop.token)
  const slot = await createSlot(client, shop.token, { capacity: 500 })
  const place = async () => {
    const response = await postOrder(client, shop.slug, {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    })
    response.assertStatus(201)
    return response.body().data as { id: string; number: number; tracking_token: string }
  }
  return { shop, menu, slot, place }
}

function move(
  client: ApiClient,
  token: string,
  orderId: string,
  status: OrderStatus,
  reason?: string
) {
  return client
    .patch(`/api/v1/orders/${orderId}/status`)
    .bearerToken(token)
    .json({ status, ...(reason ? { reason } : {}) })
}

test.group('Orders: status transitions', () => {
  test('every move from {$self} is allowed exactly when the status machine allows it')
    .with([...ORDER_STATUSES])
    .run(async ({ client, assert }, from) => {
      const { shop, place } = await shopWithSlot(client)
      // A fresh staff member per run keeps each one under the per-user rate limit.
      const staff = await staffToken(shop.merchant.id, 'staff')
      for (const to of ORDER_STATUSES) {
        const order = await place()
        for (const step of PATH[from])
          await expectStatus(move(client, staff, order.id, step, 'out of milk'), 200)
        const response = await move(client, staff, order.id, to, 'out of milk')
        if (TRANSITIONS[from].includes(to)) {
          response.assertStatus(200)
          assert.equal(response.body().data.status, to, `${from} -> ${to}`)
        } else {
          response.assertStatus(409)
          assert.equal(response.body().errors[0].code, 'E_INVALID_TRANSITION', `${from} -> ${to}`)
        }
      }
    })

  test('the full happy path, a rejection with its reason, and the reason being required', async ({
    client,
    assert,
  }) => {
    const { shop, place } = await shopWithSlot(client)
    const order = await place()
    for (const status of ['accepted', 'preparing', 'ready', 'completed'] as const) {
      const response = await move(client, shop.token, order.id, status)
      response.assertStatus(200)
      assert.equal(response.body().data.status, status)
    }
    const rejected = await place()
    const noReason = await move(client, shop.token, rejected.id, 'rejected')
    noReason.assertStatus(422)
    assert.deepInclude(noReason.body().errors[0], { code: 'E_REASON_REQUIRED', field: 'reason' })
    const withReason = await move(
      client,
      shop.token,
      rejected.id,
      'rejected',
      'Closing early today'
    )
    withReason.assertStatus(200)
    assert.equal(withReason.body().data.status_reason, 'Closing early today')
    const unknown = await move(client, shop.token, rejected.id, 'eaten' as any)
    unknown.assertStatus(422)
    assert.equal(unknown.body().errors[0].field, 'status')
  })

  // accepted and rejected exclude each other (cancelled would not: accepted -> cancelled is legal).
  test('concurrent moves of one order: exactly one wins', async ({ client, assert }) => {
    const { shop, place } = await shopWithSlot(client)
    const order = await place()
    const tokens = await Promise.all(
      Array.from({ length: 3 }, () => staffToken(shop.merchant.id, 'staff'))
    )
    const attempts = await Promise.all([
      ...tokens.map((token) => move(client, token, order.id, 'accepted')),
      move(client, shop.token, order.id, 'rejected', 'too busy'),
      move(client, shop.token, order.id, 'rejected', 'closing'),
    ])
    const statuses = attempts.map((r) => r.status())
    assert.equal(statuses.filter((s) => s === 200).length, 1, JSON.stringify(statuses))
    assert.equal(statuses.filter((s) => s === 409).length, 4)
    const winner = attempts.find((r) => r.status() === 200)!.body().data.status
    const shown = await client.get(`/api/v1/orders/${order.id}`).bearerToken(shop.token)
    assert.equal(shown.body().data.status, winner)
  })

  test("only the merchant's staff move orders; another merchant gets a 404", async ({
    client,
    assert,
  }) => {
    const { shop, place } = await shopWithSlot(client)
    const order = await place()
    const other = await createMerchantWithToken()
    const foreign = await move(client, other.token, order.id, 'accepted')
    foreign.assertStatus(404)
    assert.equal(foreign.body().errors[0].code, 'E_NOT_FOUND')
    await expectStatus(
      client
        .patch(`/api/v1/orders/${order.id}/status`)
        .json({ status: 'accepted' })
        .header('X-Merchant', shop.slug),
      401
    )
    const customer = await customerToken()
    await expectStatus(
      client
        .patch(`/api/v1/orders/${order.id}/status`)
        .bearerToken(customer.token)
        .header('X-Merchant', shop.slug)
        .json({ status: 'accepted' }),
      403
    )
    const shown = await client.get(`/api/v1/orders/${order.id}`).bearerToken(shop.token)
    assert.equal(shown.body().data.status, 'pending')
  })
})

test.group('Orders: staff reads and customer tracking', () => {
  test('staff list orders newest first, filtered by status and day, paginated', async ({
    client,
    assert,
  }) => {
    const { shop, place } = await shopWithSlot(client)
    const orders = []
    for (let i = 0; i < 5; i++) orders.push(await place())
    await expectStatus(move(client, shop.token, orders[1].id, 'accepted'), 200)
    await expectStatus(move(client, shop.token, orders[3].id, 'accepted'), 200)
    const staff = await staffToken(shop.merchant.id, 'staff')

    const page1 = await client.get('/api/v1/orders').qs({ per_page: 2 }).bearerToken(staff)
    page1.assertStatus(200)
    assert.deepEqual(
      page1.body().data.map((o: any) => o.number),
      [5, 4]
    )
    assert.deepEqual(page1.body().meta, { total: 5, page: 1, per_page: 2, last_page: 3 })
    const page3 = await client.get('/api/v1/orders').qs({ per_page: 2, page: 3 }).bearerToken(staff)
    assert.deepEqual(
      page3.body().data.map((o: any) => o.number),
      [1]
    )
    assert.lengthOf(page3.body().data[0].items, 1)

    const accepted = await client
      .get('/api/v1/orders')
      .qs({ status: 'accepted' })
      .bearerToken(staff)
    assert.deepEqual(
      accepted.body().data.map((o: any) => o.number),
      [4, 2]
    )

    const today = new Date().toISOString().slice(0, 10)
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    const todays = await client.get('/api/v1/orders').qs({ date: today }).bearerToken(staff)
    assert.equal(todays.body().meta.total, 5)
    const yesterdays = await client.get('/api/v1/orders').qs({ date: yesterday }).bearerToken(staff)
    assert.equal(yesterdays.body().meta.total, 0)

    const bad = await client
      .get('/api/v1/orders')
      .qs({ status: 'lost', per_page: 1000, date: '2026-13-45' })
      .bearerToken(staff)
    bad.assertStatus(422)
    assert.sameMembers(
      bad.body().errors.map((e: any) => e.field),
      ['status', 'per_page', 'date']
    )

    // Another merchant's staff see none of them.
    const other = await createMerchantWithToken()
    const theirs = await client.get('/api/v1/orders').bearerToken(other.token)
    assert.equal(theirs.body().meta.total, 0)
  })

  test('one order: 404 across tenants and for unknown ids', async ({ client, assert }) => {
    const { shop, place } = await shopWithSlot(client)
    const order = await place()
    const mine = await client.get(`/api/v1/orders/${order.id}`).bearerToken(shop.token)
    mine.assertStatus(200)
    assert.equal(mine.body().data.id, order.id)
    assert.notProperty(mine.body().data, 'tracking_token')
    const other = await createMerchantWithToken()
    const foreign = await client.get(`/api/v1/orders/${order.id}`).bearerToken(other.token)
    foreign.assertStatus(404)
    assert.notInclude(JSON.stringify(foreign.body()), order.id)
    await expectStatus(
      client.get('/api/v1/orders/00000000-0000-4000-8000-000000000000').bearerToken(shop.token),
      404
    )
    await expectStatus(client.get('/api/v1/orders/not-a-uuid').bearerToken(shop.token), 404)
  })

  test('a customer follows their order with its tracking token, and only with it', async ({
    client,
    assert,
  }) => {
    const { shop, place } = await shopWithSlot(client)
    const order = await place()
    await expectStatus(move(client, shop.token, order.id, 'accepted'), 200)
    const tracked = await client
      .get(`/api/v1/orders/m/${shop.slug}/track`)
      .header('X-Tracking-Token', order.tracking_token)
    tracked.assertStatus(200)
    assert.equal(tracked.body().data.id, order.id)
    assert.equal(tracked.body().data.status, 'accepted')
    const viaHeader = await client
      .get('/api/v1/orders/track')
      .header('X-Merchant', shop.slug)
      .header('X-Tracking-Token', order.tracking_token)
    viaHeader.assertStatus(200)

    const tampered = `${order.tracking_token.slice(0, -2)}xx`
    await expectStatus(
      client.get(`/api/v1/orders/m/${shop.slug}/track`).header('X-Tracking-Token', tampered),
      404
    )
    await expectStatus(client.get(`/api/v1/orders/m/${shop.slug}/track`), 404)
    const other = await createMerchantWithToken()
    await expectStatus(
      client
        .get(`/api/v1/orders/m/${other.slug}/track`)
        .header('X-Tracking-Token', order.tracking_token),
      404
    )
  })
})
