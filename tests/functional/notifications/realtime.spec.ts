import { test } from '@japa/runner'
import { realtime } from '#core/realtime/realtime'
import { metrics } from '#core/observability/metrics'
import { ownerToken } from '#tests/support/merchants'
import { closeSockets, connect, emitWithAck, joinRoom, recorder } from './socket_clients.js'
import { eventually } from '#tests/support/eventually'
import { expectStatus } from '#tests/support/http'

async function openConnections(kind: string) {
  const metric = await metrics.registry.getSingleMetric('socket_connections')!.get()
  return metric.values.find((value) => value.labels.kind === kind)?.value ?? 0
}

test.group('Realtime: socket.io handshake and rooms', (group) => {
  group.each.teardown(() => closeSockets())

  test('a staff socket gets its merchant events; another merchant gets none and cannot join its rooms', async ({
    client,
    assert,
  }) => {
    const a = await ownerToken(client)
    const b = await ownerToken(client)
    const kitchenA = await connect({ token: a.token })
    const kitchenB = await connect({ token: b.token })
    const seenA = recorder(kitchenA)
    const seenB = recorder(kitchenB)

    const refused = await emitWithAck(kitchenB, 'room:join', {
      room: `merchant:${a.merchant.id}:orders`,
    })
    assert.deepEqual(refused, {
      ok: false,
      error: { code: 'E_ROOM_FORBIDDEN', message: 'You may not join this room' },
    })
    for (const room of [
      `merchant:${a.merchant.id}`,
      `conversation:${a.merchant.id}`,
      'order:anything',
      'nonsense',
    ]) {
      assert.isFalse(await joinRoom(kitchenB, room), room)
    }

    realtime.broadcastToRoom(`merchant:${a.merchant.id}:orders`, 'order.created', {
      orderId: 'o-1',
    })
    realtime.broadcastToMerchant(a.merchant.id, 'merchant.note', { text: 'hi' })
    realtime.broadcastToMerchant(b.merchant.id, 'merchant.note', { text: 'for b' })
    await seenA.waitFor('order.created')
    await seenA.waitFor('merchant.note')
    await seenB.waitFor('merchant.note')

    assert.deepEqual(seenA.of('order.created'), [{ order_id: 'o-1' }])
    assert.deepEqual(seenA.of('merchant.note'), [{ text: 'hi' }])
    assert.deepEqual(
      seenB.of('merchant.note'),
      [{ text: 'for b' }],
      'B got its own event and nothing of A'
    )
    assert.lengthOf(seenB.of('order.created'), 0)
  })

  test('no or bad credentials are refused at the handshake', async ({ assert }) => {
    await assert.rejects(() => connect({}), 'Authentication required')
    await assert.rejects(
      () => connect({ token: 'gud_not-a-real-token' }),
      'Authentication required'
    )
    await assert.rejects(() => connect({ conversation_token: 'x.y' }), 'Authentication required')
  })

  test('reconnecting runs authentication again: a revoked token cannot come back', async ({
    client,
    assert,
  }) => {
    const owner = await ownerToken(client)
    const socket = await connect(
      { token: owner.token },
      { reconnection: true, reconnectionDelay: 20, reconnectionDelayMax: 50 }
    )
    const seen = recorder(socket)

    // A dropped connection comes back and is put in its rooms again.
    const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    socket.io.engine.close()
    await reconnected
    realtime.broadcastToMerchant(owner.merchant.id, 'merchant.note', { n: 1 })
    await seen.waitFor('merchant.note')

    // Revoke the token: the server closes the socket, and connecting again is refused.
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()))
    await expectStatus(
      client.post('/api/v1/auth/logout').header('Authorization', `Bearer ${owner.token}`),
      204
    )
    await closed
    const refusal = new Promise<any>((resolve) => socket.once('connect_error', resolve))
    socket.connect()
    const error = await refusal
    assert.equal(error.data?.code, 'E_UNAUTHORIZED')
    assert.isFalse(socket.connected)
  })

  test('open connections are counted', async ({ client, assert }) => {
    const owner = await ownerToken(client)
    const before = await openConnections('staff')
    const socket = await connect({ token: owner.token })
    await eventually('gauge up', async () => (await openConnections('staff')) === before + 1)
    socket.disconnect()
    await eventually('gauge down', async () => (await openConnections('staff')) === before)
    assert.isTrue(true)
  })
})
