import { test } from '@japa/runner'
import { runJobInTenant, tenantDb } from '#tenancy/index'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { WorkerPool } from '#core/queue/worker_pool'
import { dispatch } from '#core/queue/dispatcher'
import PurgeIdempotencyKeysJob from '#orders/jobs/purge_idempotency_keys_job'
import { eventually } from '#tests/support/eventually'
import {
  bookedPlaces,
  buildMenu,
  createSlot,
  guest,
  postOrder,
  shardRow,
  staffToken,
} from './orders_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'
import { expectStatus } from '#tests/support/http'

const queueConnection = () =>
  app.config.get<{ defaultConnection: Record<string, unknown> }>('queue').defaultConnection

function countOrders(merchantId: string) {
  return runJobInTenant({ merchantId }, async () => {
    const [{ total }] = await tenantDb('write')
      .from('orders')
      .where('merchant_id', merchantId)
      .count('* as total')
    return Number(total)
  })
}

test.group('Orders: pickup slot capacity', () => {
  test('a full slot is refused with E_SLOT_FULL; a cancelled order gives its place back', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 2 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }

    const first = await postOrder(client, shop.slug, body)
    first.assertStatus(201)
    await expectStatus(postOrder(client, shop.slug, body), 201)
    const refused = await postOrder(client, shop.slug, body)
    refused.assertStatus(409)
    assert.equal(refused.body().errors[0].code, 'E_SLOT_FULL')

    const open = await client.get(`/api/v1/orders/m/${shop.slug}/pickup-slots/open`)
    open.assertStatus(200)
    assert.deepInclude(
      open.body().data.find((s: any) => s.id === slot.id),
      { remaining: 0, is_full: true }
    )

    const cancel = await client
      .patch(`/api/v1/orders/${first.body().data.id}/status`)
      .bearerToken(shop.token)
      .json({ status: 'cancelled' })
    cancel.assertStatus(200)
    await expectStatus(postOrder(client, shop.slug, body), 201)
    assert.equal(await bookedPlaces(shop.merchant.id, slot.id), 2)
  })

  test('concurrent orders never overbook a slot', async ({ client, assert }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 3 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => postOrder(client, shop.slug, body))
    )
    const statuses = responses.map((r) => r.status()).sort()
    assert.deepEqual(statuses, [201, 201, 201, 409, 409, 409, 409, 409, 409, 409])
    assert.equal(await bookedPlaces(shop.merchant.id, slot.id), 3)
    assert.equal(await countOrders(shop.merchant.id), 3)
    // Numbers stay gapless under concurrency: refused orders took none.
    const numbers = responses
      .filter((r) => r.status() === 201)
      .map((r) => r.body().data.number)
      .sort()
    assert.deepEqual(numbers, [1, 2, 3])
  })

  test('the merchant sets and changes capacities; closed and past slots take no orders', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 1 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }

    const raised = await client
      .patch(`/api/v1/orders/pickup-slots/${slot.id}`)
      .bearerToken(shop.token)
      .json({ capacity: 0 })
    raised.assertStatus(200)
    await expectStatus(postOrder(client, shop.slug, body), 409)
    await expectStatus(
      client
        .patch(`/api/v1/orders/pickup-slots/${slot.id}`)
        .bearerToken(shop.token)
        .json({ capacity: 1, is_active: false }),
      200
    )
    const closed = await postOrder(client, shop.slug, body)
    closed.assertStatus(422)
    assert.deepInclude(closed.body().errors[0], { code: 'E_SLOT_CLOSED', field: 'pickup_slot_id' })

    const past = new Date(Date.now() - 3 * 3600_000)
    const pastSlot = await createSlot(client, shop.token, { capacity: 5, startsAt: past })
    const late = await postOrder(client, shop.slug, { ...body, pickup_slot_id: pastSlot.id })
    late.assertStatus(422)
    assert.equal(late.body().errors[0].code, 'E_SLOT_CLOSED')

    const duplicate = await client
      .post('/api/v1/orders/pickup-slots')
      .bearerToken(shop.token)
      .json({
        starts_at: slot.starts_at,
        ends_at: new Date(Date.parse(slot.starts_at) + 600_000).toISOString(),
        capacity: 3,
      })
    duplicate.assertStatus(422)
    assert.equal(duplicate.body().errors[0].code, 'E_SLOT_EXISTS')
    const backwards = await client
      .post('/api/v1/orders/pickup-slots')
      .bearerToken(shop.token)
      .json({
        starts_at: new Date(Date.now() + 7200_000).toISOString(),
        ends_at: new Date(Date.now() + 3600_000).toISOString(),
        capacity: 3,
      })
    backwards.assertStatus(422)
    assert.equal(backwards.body().errors[0].field, 'ends_at')

    // Slots are for owners and managers; staff and other merchants cannot touch them.
    const staff = await staffToken(shop.merchant.id, 'staff')
    await expectStatus(
      client
        .patch(`/api/v1/orders/pickup-slots/${slot.id}`)
        .bearerToken(staff)
        .json({ capacity: 9 }),
      403
    )
    const other = await createMerchantWithToken()
    await expectStatus(
      client
        .patch(`/api/v1/orders/pickup-slots/${slot.id}`)
        .bearerToken(other.token)
        .json({ capacity: 9 }),
      404
    )
    const listed = await client.get('/api/v1/orders/pickup-slots').bearerToken(shop.token)
    assert.deepInclude(
      listed.body().data.find((s: any) => s.id === slot.id),
      { capacity: 1, booked: 0, is_active: false }
    )
  })
})

test.group('Orders: Idempotency-Key', () => {
  test('the same key and body replay the first response; another body is a 422', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 5 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 2 }],
    }
    const key = { 'Idempotency-Key': 'checkout-7f3a' }

    const first = await postOrder(client, shop.slug, body, key)
    first.assertStatus(201)
    // Same body with its keys in another order is the same request.
    const replay = await postOrder(
      client,
      shop.slug,
      {
        items: body.items,
        customer: { email: guest.email, name: guest.name },
        pickup_slot_id: slot.id,
      },
      key
    )
    replay.assertStatus(201)
    assert.equal(replay.header('idempotent-replayed'), 'true')
    assert.deepEqual(replay.body(), first.body(), 'the very same response, tracking token included')
    assert.equal(await countOrders(shop.merchant.id), 1)
    assert.equal(await bookedPlaces(shop.merchant.id, slot.id), 1)

    const conflict = await postOrder(
      client,
      shop.slug,
      { ...body, items: [{ item_id: menu.espresso.id, quantity: 3 }] },
      key
    )
    conflict.assertStatus(422)
    assert.equal(conflict.body().errors[0].code, 'E_IDEMPOTENCY_KEY_REUSED')
    assert.equal(await countOrders(shop.merchant.id), 1)

    // The stored response keeps the token encrypted, never in clear.
    const stored = await shardRow(shop.merchant.id, 'order_idempotency_keys', {
      key: 'checkout-7f3a',
    })
    assert.notInclude(JSON.stringify(stored), first.body().data.tracking_token)
    assert.equal(stored.order_id, first.body().data.id)

    // Keys belong to one merchant: the same key elsewhere is a new order.
    const other = await createMerchantWithToken()
    const otherMenu = await buildMenu(client, other.token)
    const otherSlot = await createSlot(client, other.token, { capacity: 5 })
    const elsewhere = await postOrder(
      client,
      other.slug,
      {
        ...body,
        pickup_slot_id: otherSlot.id,
        items: [{ item_id: otherMenu.espresso.id, quantity: 2 }],
      },
      key
    )
    elsewhere.assertStatus(201)
    assert.isUndefined(elsewhere.header('idempotent-replayed'))
  })

  test('concurrent requests with one key make one order', async ({ client, assert }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 50 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        postOrder(client, shop.slug, body, { 'Idempotency-Key': 'double-click' })
      )
    )
    assert.isTrue(responses.every((r) => r.status() === 201))
    assert.lengthOf(new Set(responses.map((r) => r.body().data.id)), 1)
    assert.equal(await countOrders(shop.merchant.id), 1)
    assert.equal(responses.filter((r) => r.header('idempotent-replayed') === 'true').length, 5)
  })

  test('a failed request does not burn its key', async ({ client, assert }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 0 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }
    await expectStatus(postOrder(client, shop.slug, body, { 'Idempotency-Key': 'retry-me' }), 409)
    await expectStatus(
      client
        .patch(`/api/v1/orders/pickup-slots/${slot.id}`)
        .bearerToken(shop.token)
        .json({ capacity: 1 }),
      200
    )
    const retried = await postOrder(client, shop.slug, body, { 'Idempotency-Key': 'retry-me' })
    retried.assertStatus(201)
    assert.isUndefined(retried.header('idempotent-replayed'))
  })

  test('after 24 hours a key may be used again, and the hourly job purges expired keys', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 5 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }
    const first = await postOrder(client, shop.slug, body, { 'Idempotency-Key': 'old-key' })
    first.assertStatus(201)
    await expectStatus(postOrder(client, shop.slug, body, { 'Idempotency-Key': 'fresh-key' }), 201)
    const age = (key: string, hours: number) =>
      runJobInTenant({ merchantId: shop.merchant.id }, () =>
        tenantDb('write')
          .from('order_idempotency_keys')
          .where({ merchant_id: shop.merchant.id, key })
          .update({ created_at: new Date(Date.now() - hours * 3600_000) })
      )
    await age('old-key', 25)
    const reused = await postOrder(
      client,
      shop.slug,
      { ...body, items: [{ item_id: menu.espresso.id, quantity: 2 }] },
      { 'Idempotency-Key': 'old-key' }
    )
    reused.assertStatus(201)
    assert.notEqual(reused.body().data.id, first.body().data.id)

    await age('old-key', 25)
    // Through the queue, as the hourly schedule runs it.
    const workers = new WorkerPool(
      app,
      logger,
      queueConnection(),
      [PurgeIdempotencyKeysJob],
      runJobInTenant,
      { concurrency: 1 }
    ).start()
    try {
      await dispatch(PurgeIdempotencyKeysJob, { merchantId: null })
      await eventually(
        'expired key purged',
        async () =>
          !(await shardRow(shop.merchant.id, 'order_idempotency_keys', { key: 'old-key' }))
      )
    } finally {
      await workers.stop()
    }
    assert.exists(await shardRow(shop.merchant.id, 'order_idempotency_keys', { key: 'fresh-key' }))
  })
})
