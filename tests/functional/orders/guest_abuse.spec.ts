import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import queue from '@rlanz/bull-queue/services/main'
import type { ApiClient } from '@japa/api-client'
import { moduleRegistry, runJobInTenant, tenantDb } from '#tenancy/index'
import { moduleWorkers } from '#tests/support/workers'
import { registry } from '#core/observability/metrics'
import { eventually } from '#tests/support/eventually'
import { randomClientIp } from '#tests/support/app_process'
import { NOT_ACCEPTED_REASON, rejectUnacceptedOrders } from '#orders/services/unaccepted_orders'
import { closeSockets, connect, recorder } from '../notifications/socket_clients.js'
import {
  buildMenu,
  createSlot,
  customerToken,
  guest,
  shardRow,
  staffToken,
} from './orders_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'
import { expectStatus } from '#tests/support/http'

async function shopWithMenu(client: ApiClient) {
  const shop = await createMerchantWithToken()
  const menu = await buildMenu(client, shop.token)
  return { shop, menu }
}

function order(client: ApiClient, slug: string, body: object, ip: string, token?: string) {
  const request = client.post(`/api/v1/orders/m/${slug}`).header('X-Forwarded-For', ip).json(body)
  return token ? request.bearerToken(token) : request
}

/** Makes an order look `minutes` old, as if the clock had moved on. */
function age(merchantId: string, orderId: string, minutes: number) {
  return runJobInTenant({ merchantId }, () =>
    tenantDb('write')
      .from('orders')
      .where({ merchant_id: merchantId, id: orderId })
      .update({ created_at: new Date(Date.now() - minutes * 60_000) })
  )
}

test.group('Orders: guest order limits', () => {
  test('one address places at most 3 guest orders per merchant and slot; other slots, addresses and signed-in customers are not affected', async ({
    client,
    assert,
  }) => {
    const { shop, menu } = await shopWithMenu(client)
    const slotA = await createSlot(client, shop.token, { capacity: 50 })
    const slotB = await createSlot(client, shop.token, { capacity: 50, minutesAhead: 180 })
    const body = (slotId: string) => ({
      pickup_slot_id: slotId,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    })
    const ip = randomClientIp()

    const statuses = []
    for (let i = 0; i < 4; i++) {
      const response = await order(client, shop.slug, body(slotA.id), ip)
      statuses.push(response.status())
    }
    assert.deepEqual(statuses, [201, 201, 201, 429])
    const refused = await order(client, shop.slug, body(slotA.id), ip)
    assert.deepEqual(refused.body().errors[0], {
      code: 'E_GUEST_ORDER_LIMIT',
      message:
        'Too many guest orders from your connection for this pickup slot: choose another slot or sign in',
      field: 'pickup_slot_id',
    })

    await expectStatus(order(client, shop.slug, body(slotB.id), ip), 201)
    await expectStatus(order(client, shop.slug, body(slotA.id), randomClientIp()), 201)
    const customer = await customerToken()
    await expectStatus(order(client, shop.slug, body(slotA.id), ip, customer.token), 201)
  })

  test('refused and replayed requests do not use up the allowance', async ({ client }) => {
    const { shop, menu } = await shopWithMenu(client)
    const slot = await createSlot(client, shop.token, { capacity: 50 })
    const ip = randomClientIp()
    const good = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }
    for (let i = 0; i < 3; i++)
      await expectStatus(
        order(client, shop.slug, { ...good, items: [{ item_id: menu.mocha.id, quantity: 1 }] }, ip),
        422
      )
    for (let i = 0; i < 4; i++)
      await expectStatus(
        order(client, shop.slug, good, ip).header('Idempotency-Key', 'same-order'),
        201
      )
    await expectStatus(order(client, shop.slug, good, ip), 201)
    await expectStatus(order(client, shop.slug, good, ip), 201)
    await expectStatus(order(client, shop.slug, good, ip), 429)
  })
})

test.group('Orders: pending orders the shop does not accept in time', (group) => {
  group.each.teardown(() => closeSockets())

  test('the timeout is a setting for owners and managers, 10 minutes by default, within bounds', async ({
    client,
    assert,
  }) => {
    const { shop } = await shopWithMenu(client)
    const shown = await client.get('/api/v1/orders/settings').bearerToken(shop.token)
    shown.assertStatus(200)
    assert.equal(shown.body().data.pending_timeout_minutes, 10)

    for (const bad of [1, 241, 2.5, 'ten']) {
      const response = await client
        .put('/api/v1/orders/settings')
        .bearerToken(shop.token)
        .json({ pending_timeout_minutes: bad })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'pending_timeout_minutes')
    }
    const manager = await staffToken(shop.merchant.id, 'manager')
    const saved = await client
      .put('/api/v1/orders/settings')
      .bearerToken(manager)
      .json({ pending_timeout_minutes: 30 })
    saved.assertStatus(200)
    assert.equal(saved.body().data.pending_timeout_minutes, 30)
    const reread = await client.get('/api/v1/orders/settings').bearerToken(shop.token)
    assert.equal(reread.body().data.pending_timeout_minutes, 30)

    const staff = await staffToken(shop.merchant.id, 'staff')
    await expectStatus(
      client.put('/api/v1/orders/settings').bearerToken(staff).json({ pending_timeout_minutes: 5 }),
      403
    )
  })

  test('an order left pending past the timeout is rejected with a reason the customer sees, and frees its place', async ({
    client,
    assert,
  }) => {
    const { shop, menu } = await shopWithMenu(client)
    const slot = await createSlot(client, shop.token, { capacity: 1 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }
    const placed = await order(client, shop.slug, body, randomClientIp())
    placed.assertStatus(201)
    const { id, tracking_token: trackingToken } = placed.body().data
    await expectStatus(order(client, shop.slug, body, randomClientIp()), 409)
    const seen = recorder(await connect({ tracking_token: trackingToken }))

    await age(shop.merchant.id, id, 9)
    await rejectUnacceptedOrders({ merchant: shop.merchant })
    const notYet = await shardRow(shop.merchant.id, 'orders', { id })
    assert.equal(notYet.status, 'pending')

    await age(shop.merchant.id, id, 11)
    const notAccepted = registry.getSingleMetric('orders_not_accepted_in_time_total')!
    const counted = await notAccepted.get()
    const before = counted.values[0]?.value ?? 0
    await rejectUnacceptedOrders({ merchant: shop.merchant })
    const countedAfter = await notAccepted.get()
    assert.equal(countedAfter.values[0].value, before + 1)
    const tracked = await client
      .get(`/api/v1/orders/m/${shop.slug}/track`)
      .header('X-Tracking-Token', trackingToken)
    tracked.assertStatus(200)
    assert.equal(tracked.body().data.status, 'rejected')
    assert.equal(tracked.body().data.status_reason, NOT_ACCEPTED_REASON)
    const change = await seen.waitFor('order.status_changed', (payload) => payload.order_id === id)
    assert.deepInclude(change, {
      from: 'pending',
      to: 'rejected',
      reason: NOT_ACCEPTED_REASON,
      actor_user_id: null,
    })
    // The place is free again.
    await expectStatus(order(client, shop.slug, body, randomClientIp()), 201)
  })

  test('the merchant’s own timeout applies, and an accepted order is left alone', async ({
    client,
    assert,
  }) => {
    const { shop, menu } = await shopWithMenu(client)
    const slot = await createSlot(client, shop.token, { capacity: 10 })
    await expectStatus(
      client
        .put('/api/v1/orders/settings')
        .bearerToken(shop.token)
        .json({ pending_timeout_minutes: 30 }),
      200
    )
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }
    const place = async () => {
      const placed = await order(client, shop.slug, body, randomClientIp())
      return placed.body().data.id as string
    }
    const [waiting, overdue, accepted] = [await place(), await place(), await place()]
    await expectStatus(
      client
        .patch(`/api/v1/orders/${accepted}/status`)
        .bearerToken(shop.token)
        .json({ status: 'accepted' }),
      200
    )
    await age(shop.merchant.id, waiting, 20)
    await age(shop.merchant.id, overdue, 31)
    await age(shop.merchant.id, accepted, 60)

    await rejectUnacceptedOrders({ merchant: shop.merchant })
    const status = async (id: string) => {
      const row = await shardRow(shop.merchant.id, 'orders', { id })
      return row.status
    }
    assert.deepEqual(
      [await status(waiting), await status(overdue), await status(accepted)],
      ['pending', 'rejected', 'accepted']
    )
  })

  test('after Redis lost everything, a starting worker registers the sweep again and it rejects what is overdue', async ({
    client,
    cleanup,
  }) => {
    const { shop, menu } = await shopWithMenu(client)
    const slot = await createSlot(client, shop.token, { capacity: 10 })
    const body = {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    }
    const placed = await order(client, shop.slug, body, randomClientIp())
    const id = placed.body().data.id as string
    await age(shop.merchant.id, id, 11)
    await redis.flushdb()

    // What queue:work does on start: register the schedules (this one runs once at once), then work.
    const workers = await moduleWorkers()
    const pool = workers.start(['orders'])
    cleanup(() => pool.stop())
    const allSchedules = await moduleRegistry().loadSchedules()
    const schedules = allSchedules.filter(
      (schedule) => schedule.name === 'orders.reject_unaccepted'
    )
    await pool.upsertSchedules(schedules)
    cleanup(async () => {
      await queue.getOrSet('orders').removeJobScheduler('orders.reject_unaccepted')
    })
    await eventually(
      'order rejected by the sweep',
      async () => {
        const row = await shardRow(shop.merchant.id, 'orders', { id })
        return row.status === 'rejected'
      },
      30_000
    )
  }).timeout(60_000)
})
