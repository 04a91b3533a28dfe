import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import emitter from '@adonisjs/core/services/emitter'
import { createMerchant } from '#tests/helpers'
import type { OrderCreated } from '#analytics/index'
import { metrics } from '#core/observability/metrics'
import { asMerchant, eventsOf } from './analytics_helpers.js'

function order(merchantId: string): OrderCreated {
  return {
    orderId: randomUUID(),
    merchantId,
    totalMinor: 1250,
    currency: 'EUR',
    items: [
      { itemId: 'latte', name: 'Latte', quantity: 2 },
      { itemId: 'croissant', name: 'Croissant', quantity: 1 },
    ],
    createdAt: new Date(Date.now() - 60_000).toISOString(),
  }
}

test.group('analytics / order_placed from order.created', () => {
  test('an order.created event records one order_placed with its total and items', async ({ assert }) => {
    const { merchant } = await createMerchant()
    const created = order(merchant.id)
    // The orders module emits inside the merchant's context, after its transaction commits.
    await asMerchant(merchant, () => emitter.emit('order.created', created))
    const rows = await eventsOf(merchant)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].event_type, 'order_placed')
    assert.equal(rows[0].session_id, `order:${created.orderId}`)
    assert.equal(rows[0].created_at.toISOString(), created.createdAt)
    assert.deepEqual(rows[0].event_data, {
      orderId: created.orderId,
      totalMinor: 1250,
      currency: 'EUR',
      items: created.items,
    })
  })

  test('a replayed event is recorded once; an emit outside any tenant context finds the merchant', async ({ assert }) => {
    const { merchant } = await createMerchant()
    const { merchant: other } = await createMerchant()
    const created = order(merchant.id)
    await emitter.emit('order.created', created)
    await emitter.emit('order.created', created)
    // Emitted while another merchant's context is active: still recorded for the order's merchant.
    await asMerchant(other, () => emitter.emit('order.created', created))
    assert.lengthOf(await eventsOf(merchant), 1)
    assert.lengthOf(await eventsOf(other), 0)
  })

  test('a failure to record never throws back into the emitting module', async ({ assert }) => {
    const before = (await metrics.registry.getSingleMetric('analytics_listener_failures_total')!.get()).values[0]?.value ?? 0
    // An order of a merchant the directory does not know: logged and counted, not thrown.
    await emitter.emit('order.created', order(randomUUID()))
    const after = (await metrics.registry.getSingleMetric('analytics_listener_failures_total')!.get()).values[0]?.value ?? 0
    assert.equal(after, before + 1)
  })
})
