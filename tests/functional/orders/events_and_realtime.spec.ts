import { test } from '@japa/runner'
import emitter from '@adonisjs/core/services/emitter'
import type { ApiClient } from '@japa/api-client'
import type { OrderCompleted, OrderCreated, OrderStatusChanged } from '#orders/index'
import {
  closeSockets,
  connect,
  emitWithAck,
  joinRoom,
  recorder,
} from '../notifications/socket_clients.js'
import { eventually } from '#tests/support/eventually'
import { buildMenu, createSlot, guest, postOrder, staffToken } from './orders_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'
import { expectStatus } from '#tests/support/http'

async function shop(client: ApiClient) {
  const merchant = await createMerchantWithToken()
  const menu = await buildMenu(client, merchant.token)
  const slot = await createSlot(client, merchant.token, { capacity: 50 })
  const place = async () => {
    const response = await postOrder(client, merchant.slug, {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [
        { item_id: menu.latte.id, quantity: 2, option_ids: [menu.oat.id] },
        { item_id: menu.espresso.id, quantity: 1 },
      ],
    })
    response.assertStatus(201)
    return response.body().data
  }
  return { ...merchant, menu, slot, place }
}

/** Records one domain event until the test ends. */
function listen<E extends 'order.created' | 'order.status_changed' | 'order.completed'>(
  event: E,
  cleanup: (fn: () => void) => void
) {
  const seen: any[] = []
  const handler = (payload: unknown) => void seen.push(payload)
  emitter.on(event, handler as any)
  cleanup(() => emitter.off(event, handler as any))
  return seen
}

test.group('Orders: domain events', () => {
  test('order.created carries the payload analytics reads', async ({ client, assert, cleanup }) => {
    const created = listen('order.created', cleanup)
    const a = await shop(client)
    const order = await a.place()
    const event: OrderCreated = await eventually('order.created', () =>
      created.find((e) => e.orderId === order.id)
    )
    assert.deepEqual(
      {
        orderId: event.orderId,
        merchantId: event.merchantId,
        totalMinor: event.totalMinor,
        currency: event.currency,
        createdAt: event.createdAt,
      },
      {
        orderId: order.id,
        merchantId: a.merchant.id,
        totalMinor: 950,
        currency: 'EUR',
        createdAt: order.created_at,
      }
    )
    assert.deepEqual(
      event.items.map(({ itemId, name, quantity }) => ({ itemId, name, quantity })),
      [
        { itemId: a.menu.latte.id, name: 'Latte', quantity: 2 },
        { itemId: a.menu.espresso.id, name: 'Espresso', quantity: 1 },
      ]
    )
    assert.equal(event.number, order.number)
  })

  test('order.status_changed on every move and order.completed at the end', async ({
    client,
    assert,
    cleanup,
  }) => {
    const changed = listen('order.status_changed', cleanup)
    const completed = listen('order.completed', cleanup)
    const a = await shop(client)
    const order = await a.place()
    for (const status of ['accepted', 'preparing', 'ready', 'completed']) {
      await expectStatus(
        client.patch(`/api/v1/orders/${order.id}/status`).bearerToken(a.token).json({ status }),
        200
      )
    }
    await eventually(
      'four changes',
      () => changed.filter((e) => e.orderId === order.id).length === 4
    )
    const mine: OrderStatusChanged[] = changed.filter((e) => e.orderId === order.id)
    assert.deepEqual(
      mine.map((e) => `${e.from}->${e.to}`),
      ['pending->accepted', 'accepted->preparing', 'preparing->ready', 'ready->completed']
    )
    assert.isTrue(mine.every((e) => e.merchantId === a.merchant.id && e.actorUserId))
    const done: OrderCompleted = await eventually('order.completed', () =>
      completed.find((e) => e.orderId === order.id)
    )
    assert.equal(done.totalMinor, 950)
    assert.equal(done.createdAt, order.created_at)
  })

  test('a slow listener does not hold the order response', async ({ client, assert, cleanup }) => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let finished = false
    const slow = async () => {
      await gate
      finished = true
    }
    emitter.on('order.created', slow)
    cleanup(() => {
      release()
      emitter.off('order.created', slow)
    })
    const a = await shop(client)
    const order = await a.place()
    assert.equal(order.status, 'pending')
    assert.isFalse(finished, 'the response came while the listener was still waiting')
    release()
    await eventually('listener done', () => finished)
  })
})

test.group('Orders: real time', (group) => {
  group.each.teardown(() => closeSockets())

  test('the kitchen gets order.created; another merchant gets nothing and cannot join', async ({
    client,
    assert,
  }) => {
    const a = await shop(client)
    const b = await shop(client)
    const kitchenA = await connect({ token: await staffToken(a.merchant.id, 'staff') })
    const kitchenB = await connect({ token: b.token })
    const seenA = recorder(kitchenA)
    const seenB = recorder(kitchenB)

    const order = await a.place()
    const received = await seenA.waitFor('order.created', (p) => p.order.id === order.id)
    assert.equal(received.order.number, order.number)
    assert.equal(received.order.total_minor, 950)
    assert.notProperty(received.order, 'tracking_token')

    for (const room of [`merchant:${a.merchant.id}:orders`, `order:${order.id}`]) {
      const reply = await emitWithAck(kitchenB, 'room:join', { room })
      assert.deepEqual(
        reply,
        { ok: false, error: { code: 'E_ROOM_FORBIDDEN', message: 'You may not join this room' } },
        room
      )
    }
    // B's own order arrives at B, which shows B's socket works and heard nothing of A.
    const orderB = await b.place()
    await seenB.waitFor('order.created', (p) => p.order.id === orderB.id)
    assert.deepEqual(
      seenB.events.map((e) => e.payload?.order?.id),
      [orderB.id]
    )
    assert.isFalse(seenA.events.some((e) => e.payload?.order?.id === orderB.id))
  })

  test('a tracking client follows its order, and only its order', async ({ client, assert }) => {
    const a = await shop(client)
    const order = await a.place()
    const other = await a.place()
    const tracker = await connect({ tracking_token: order.tracking_token })
    const seen = recorder(tracker)

    for (const status of ['accepted', 'preparing']) {
      await expectStatus(
        client.patch(`/api/v1/orders/${order.id}/status`).bearerToken(a.token).json({ status }),
        200
      )
    }
    await expectStatus(
      client
        .patch(`/api/v1/orders/${other.id}/status`)
        .bearerToken(a.token)
        .json({ status: 'rejected', reason: 'no' }),
      200
    )
    const preparing = await seen.waitFor('order.status_changed', (p) => p.to === 'preparing')
    assert.deepInclude(preparing, { order_id: order.id, from: 'accepted', to: 'preparing' })
    assert.equal(preparing.order.status, 'preparing')
    assert.deepEqual(
      seen.of('order.status_changed').map((p) => p.order_id),
      [order.id, order.id],
      'nothing about the other order'
    )

    assert.isFalse(await joinRoom(tracker, `order:${other.id}`))
    assert.isFalse(await joinRoom(tracker, `merchant:${a.merchant.id}:orders`))

    // The merchant's staff may join an order's room; bad tracking tokens are refused at the handshake.
    const kitchen = await connect({ token: a.token })
    assert.isTrue(await joinRoom(kitchen, `order:${order.id}`))
    await assert.rejects(
      () => connect({ tracking_token: `${order.tracking_token.slice(0, -2)}xx` }),
      'Authentication required'
    )
    await assert.rejects(
      () => connect({ tracking_token: 'not-a-token' }),
      'Authentication required'
    )
  })
})
