import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import type { Socket } from 'socket.io-client'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { startAppProcess } from '#tests/support/app_process'
import {
  addMember,
  createMerchant,
  login,
  ownerToken,
  createMerchantWithToken,
} from '#tests/support/merchants'
import { supportToken } from '../compliance/helpers.js'
import { createSlot, guest, postOrder } from '../orders/orders_helpers.js'
import { closeSockets, connect, emitWithAck } from './socket_clients.js'
import { expectStatus } from '#tests/support/http'

/** "Within a second" in the item; asserted generously, the machine being shared. */
const CLOSE_WITHIN_MS = 3000

/** Resolves when the server closes the socket, with the reason it gave (access.revoked) first. */
function closing(socket: Socket) {
  let told: { reason?: string } | null = null
  socket.on('access.revoked', (payload) => (told = payload))
  return new Promise<string | null>((resolve) =>
    socket.once('disconnect', () => resolve(told?.reason ?? null))
  )
}

function within<T>(promise: Promise<T>, what: string, ms = CLOSE_WITHIN_MS): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)
    ),
  ])
}

/** Still connected and answered by the server. */
async function isOpen(socket: Socket) {
  if (!socket.connected) return false
  const reply = await emitWithAck(socket, 'room:leave', { room: 'none:1' })
  return reply.ok === true
}

/** A merchant with one order (tracking token) and one open chat conversation (conversation token). */
async function shopWithCustomers(client: ApiClient) {
  const shop = await createMerchantWithToken()
  const post = async (url: string, body: object) => {
    const response = await client.post(url).bearerToken(shop.token).json(body)
    response.assertStatus(201)
    return response.body().data
  }
  const category = await post('/api/v1/menu/categories', { name: 'Drinks' })
  const item = await post('/api/v1/menu/items', {
    category_id: category.id,
    name: 'Espresso',
    price_minor: 150,
    currency: 'EUR',
  })
  const slot = await createSlot(client, shop.token, { capacity: 10 })
  const order = await postOrder(client, shop.slug, {
    pickup_slot_id: slot.id,
    customer: guest,
    items: [{ item_id: item.id, quantity: 1 }],
  })
  order.assertStatus(201)
  const chat = await client
    .post(`/api/v1/notifications/m/${shop.slug}/conversations`)
    .json({ name: 'Ada', email: 'ada@mail.test' })
  chat.assertStatus(201)
  return {
    ...shop,
    trackingToken: order.body().data.tracking_token as string,
    conversationToken: chat.body().token as string,
  }
}

test.group('Realtime: sockets lose access with their credentials, in every process', (group) => {
  let other: Awaited<ReturnType<typeof startAppProcess>>
  /** Sockets connect to a second app process; revocations happen in this one (HTTP, services). */
  const onOther = () => ({ url: other.url })

  group.setup(async () => {
    other = await startAppProcess()
    return () => other.stop()
  })
  group.each.teardown(() => closeSockets())

  test("signing out closes that token's sockets in every process; the same user's other tokens stay", async ({
    client,
    assert,
  }) => {
    const shop = await ownerToken(client)
    const secondDevice = await login(client, shop.email)
    const socket = await connect({ token: shop.token }, onOther())
    const kept = await connect({ token: secondDevice }, onOther())
    const closed = closing(socket)

    await expectStatus(client.post('/api/v1/auth/logout').bearerToken(shop.token), 204)
    assert.equal(await within(closed, 'signed-out socket closed'), 'signed_out')
    assert.isTrue(await isOpen(kept))
    await assert.rejects(() => connect({ token: shop.token }, onOther()), 'Authentication required')
  })

  test('a socket is closed when its token expires', async ({ assert }) => {
    const shop = await createMerchant()
    const user = await User.findByOrFail('email', shop.email)
    const token = await User.accessTokens.create(user, [`merchant:${shop.merchant.id}`], {
      expiresIn: 3,
    })
    const socket = await connect({ token: token.value!.release() }, onOther())
    const closed = closing(socket)
    assert.equal(
      await within(closed, 'expired socket closed', 3000 + CLOSE_WITHIN_MS),
      'token_expired'
    )
    assert.isAtLeast(Date.now(), token.expiresAt!.getTime() - 5, 'not before the expiry')
  })

  test('removing a member closes their sockets at that merchant and revokes their tokens there', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchant()
    const support = await supportToken(client)
    const manager = await addMember(client, shop.merchant.id)
    const owner = await login(client, shop.email)
    const managerSocket = await connect({ token: manager.token }, onOther())
    const ownerSocket = await connect({ token: owner }, onOther())
    const closed = closing(managerSocket)

    const url = `/api/v1/admin/merchants/${shop.merchant.slug}/members/${manager.user.id}`
    await expectStatus(client.delete(url).bearerToken(support.token).json({}), 422)
    await expectStatus(
      client.delete(url).bearerToken(support.token).json({ reason: 'left the team' }),
      204
    )
    assert.equal(await within(closed, "removed member's socket closed"), 'membership_removed')
    assert.isTrue(await isOpen(ownerSocket))
    await expectStatus(client.get('/api/v1/tenancy/locations').bearerToken(manager.token), 401)
    assert.isNull(
      await Membership.query()
        .where({ user_id: manager.user.id, merchant_id: shop.merchant.id })
        .first()
    )

    const again = await client.delete(url).bearerToken(support.token).json({ reason: 'twice' })
    again.assertStatus(404)
    again.assertBodyContains({ errors: [{ code: 'E_MEMBERSHIP_NOT_FOUND' }] })
    const ownerUser = await User.findByOrFail('email', shop.email)
    const lastOwner = await client
      .delete(`/api/v1/admin/merchants/${shop.merchant.slug}/members/${ownerUser.id}`)
      .bearerToken(support.token)
      .json({ reason: 'would leave nobody' })
    lastOwner.assertStatus(409)
    lastOwner.assertBodyContains({ errors: [{ code: 'E_LAST_OWNER' }] })
    await expectStatus(
      client
        .delete(`/api/v1/admin/merchants/${shop.merchant.slug}/members/nope`)
        .bearerToken(support.token)
        .json({ reason: 'bad id' }),
      404
    )
    await expectStatus(client.delete(url).bearerToken(owner).json({ reason: 'not support' }), 403)
  })

  test('suspending a merchant closes every socket of it (staff, tracking, chat) in every process; logout still works', async ({
    client,
    assert,
  }) => {
    const shop = await shopWithCustomers(client)
    const bystanderShop = await ownerToken(client)
    const support = await supportToken(client)
    const credentials = [
      { token: shop.token },
      { tracking_token: shop.trackingToken },
      { conversation_token: shop.conversationToken },
    ]
    const sockets = await Promise.all(credentials.map((auth) => connect(auth, onOther())))
    const bystander = await connect({ token: bystanderShop.token }, onOther())
    const closed = Promise.all(sockets.map(closing))

    const suspended = await client
      .post(`/api/v1/admin/merchants/${shop.slug}/suspend`)
      .bearerToken(support.token)
      .json({ reason: 'unpaid invoices' })
    suspended.assertStatus(200)
    assert.deepEqual(suspended.body().data, { merchant_id: shop.merchant.id, status: 'suspended' })
    assert.deepEqual(await within(closed, "suspended merchant's sockets closed"), [
      'merchant_suspended',
      'merchant_suspended',
      'merchant_suspended',
    ])
    assert.isTrue(await isOpen(bystander))

    // No kind of socket comes back, in either process; staff can still sign out.
    for (const auth of credentials) {
      for (const options of [onOther(), {}]) {
        const refusal = await connect(auth, options).catch((error) => error)
        assert.equal(refusal.code, 'E_MERCHANT_SUSPENDED', JSON.stringify(auth))
      }
    }
    await expectStatus(client.post('/api/v1/auth/logout').bearerToken(shop.token), 204)
    await expectStatus(client.get('/api/v1/auth/me').bearerToken(shop.token), 401)

    await expectStatus(
      client
        .post(`/api/v1/admin/merchants/${shop.slug}/reactivate`)
        .bearerToken(support.token)
        .json({ reason: 'paid' }),
      200
    )
    assert.isTrue(await isOpen(await connect({ tracking_token: shop.trackingToken }, onOther())))
  })

  test('switching a module off closes the sockets that serve it and refuses them; staff sockets stay', async ({
    client,
    assert,
  }) => {
    const shop = await shopWithCustomers(client)
    const support = await supportToken(client)
    const staff = await connect({ token: shop.token }, onOther())
    const tracker = await connect({ tracking_token: shop.trackingToken }, onOther())
    const customer = await connect({ conversation_token: shop.conversationToken }, onOther())
    const trackerClosed = closing(tracker)
    const customerClosed = closing(customer)
    const disable = (module: string) =>
      client
        .post(`/api/v1/admin/merchants/${shop.slug}/modules/${module}/disable`)
        .bearerToken(support.token)
        .json({ reason: 'test' })

    await expectStatus(disable('orders'), 200)
    assert.equal(await within(trackerClosed, 'tracking socket closed'), 'module_disabled')
    assert.isTrue(await isOpen(customer))
    const trackingRefusal = await connect({ tracking_token: shop.trackingToken }).catch(
      (error) => error
    )
    assert.equal(trackingRefusal.code, 'E_MODULE_DISABLED')

    await expectStatus(disable('notifications'), 200)
    assert.equal(await within(customerClosed, 'chat socket closed'), 'module_disabled')
    const chatRefusal = await connect(
      { conversation_token: shop.conversationToken },
      onOther()
    ).catch((error) => error)
    assert.equal(chatRefusal.code, 'E_MODULE_DISABLED')
    assert.isTrue(await isOpen(staff))
  })

  test('erasing an account (GDPR) closes its sockets in every process', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchant()
    const support = await supportToken(client)
    const manager = await addMember(client, shop.merchant.id)
    const socket = await connect({ token: manager.token }, onOther())
    const closed = closing(socket)
    const erased = await client
      .post('/api/v1/admin/gdpr/erasures')
      .bearerToken(support.token)
      .json({ email: manager.email, reason: 'ticket #1: erasure' })
    erased.assertStatus(201)
    assert.equal(await within(closed, "erased account's socket closed"), 'account_erased')
  })
})
