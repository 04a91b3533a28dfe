import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { metrics } from '#core/observability/metrics'
import { ownerToken } from '#tests/support/merchants'
import { closeSockets, connect, emitWithAck, joinRoom } from './socket_clients.js'

async function series(name: string) {
  const metric = await metrics.registry.getSingleMetric(name)!.get()
  return metric.values
}

test.group('Realtime: limits on what clients can make the server keep', (group) => {
  group.each.teardown(() => closeSockets())

  test('1,000 distinct refused room names leave the refusal metric with a bounded number of series', async ({
    client,
    assert,
  }) => {
    const shop = await ownerToken(client)
    const before = await series('socket_room_refusals_total')
    const refusedBefore = before.reduce((sum, value) => sum + value.value, 0)

    // 40 sockets x 25 joins: below the per-socket event limit, so every name reaches the authorizers.
    const names: string[] = []
    for (let s = 0; s < 40; s++) {
      const socket = await connect({ token: shop.token })
      const batch = Array.from({ length: 25 }, (_, i) => {
        const kinds = [
          `x${randomUUID().slice(0, 8)}:1`,
          `evil-${s}-${i}`,
          `${randomUUID().replaceAll('-', '_')}:a`,
          `${'z'.repeat(300)}${s}-${i}`,
        ]
        return kinds[(s + i) % kinds.length]
      })
      names.push(...batch)
      const replies = await Promise.all(
        batch.map((room) => emitWithAck(socket, 'room:join', { room }))
      )
      assert.isTrue(
        replies.every((reply) => reply.ok === false && reply.error.code === 'E_ROOM_FORBIDDEN')
      )
      socket.disconnect()
    }
    assert.lengthOf(new Set(names), 1000)

    const after = await series('socket_room_refusals_total')
    const labels = after.map((value) => String(value.labels.prefix))
    assert.isAtMost(
      after.length,
      4,
      `${after.length} series, e.g. ${labels
        .slice(0, 4)
        .map((label) => label.slice(0, 20))
        .join(', ')}`
    )
    assert.includeMembers(['merchant', 'order', 'conversation', 'other'], labels)
    assert.equal(
      after.reduce((sum, value) => sum + value.value, 0) - refusedBefore,
      1000,
      'every refusal was counted'
    )
    const exposition = await metrics.registry.getSingleMetricAsString('socket_room_refusals_total')
    assert.notInclude(exposition, 'evil-')
  })

  test('room names are length-capped, even in a room the socket could otherwise join', async ({
    client,
    assert,
  }) => {
    const shop = await ownerToken(client)
    const kitchen = await connect({ token: shop.token })
    assert.isTrue(await joinRoom(kitchen, `merchant:${shop.merchant.id}:bar`))
    const long = await emitWithAck(kitchen, 'room:join', {
      room: `merchant:${shop.merchant.id}:${'x'.repeat(150)}`,
    })
    assert.deepEqual(long, {
      ok: false,
      error: { code: 'E_ROOM_FORBIDDEN', message: 'You may not join this room' },
    })
  })

  test('handshakes are limited per client address (60 a minute), whatever the credentials; other addresses go on', async ({
    assert,
  }) => {
    const address = `10.250.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`
    const from = { extraHeaders: { 'x-forwarded-for': address } }
    const seriesBefore = await series('rate_limit_rejections_total')
    const rejectionsBefore =
      seriesBefore.find((v) => v.labels.limiter === 'socket_handshake')?.value ?? 0
    for (let i = 0; i < 60; i++) {
      await assert.rejects(() => connect({}, from), 'Authentication required')
    }
    const limited = await connect({}, from).catch((error) => error)
    assert.equal(limited.code, 'E_TOO_MANY_REQUESTS')
    // Not even good credentials get through from that address now; another address is not affected.
    await assert.rejects(
      () => connect({ token: 'gud_1.x' }, from),
      'Too many connection attempts, try again later'
    )
    await assert.rejects(() => connect({}), 'Authentication required')
    const seriesAfter = await series('rate_limit_rejections_total')
    const rejections = seriesAfter.find((v) => v.labels.limiter === 'socket_handshake')?.value ?? 0
    assert.equal(rejections - rejectionsBefore, 2)
  })
})
