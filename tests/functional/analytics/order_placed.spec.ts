import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import emitter from '@adonisjs/core/services/emitter'
import { createMerchant } from '#tests/support/merchants'
import type { OrderCreated } from '#analytics/index'
import { metrics } from '#core/observability/metrics'
import { Job } from 'bullmq'
import queue from '@rlanz/bull-queue/services/main'
import { runJobInTenant } from '#tenancy/index'
import RecordOrderPlacedJob from '#analytics/jobs/record_order_placed_job'
import { asMerchant, eventsOf } from './analytics_helpers.js'

function order(merchantId: string): OrderCreated {
  return {
    orderId: randomUUID(),
    merchantId,
    number: 1,
    status: 'pending',
    totalMinor: 1250,
    currency: 'EUR',
    items: [
      { itemId: 'latte', name: 'Latte', quantity: 2, unitPriceMinor: 450, lineTotalMinor: 900 },
      {
        itemId: 'croissant',
        name: 'Croissant',
        quantity: 1,
        unitPriceMinor: 350,
        lineTotalMinor: 350,
      },
    ],
    pickupAt: null,
    customerUserId: null,
    createdAt: new Date(Date.now() - 60_000).toISOString(),
  }
}

test.group('analytics / order_placed from order.created', () => {
  test('an order.created event records one order_placed with its total and items', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const created = order(merchant.id)
    // The orders module emits inside the merchant's context, after its transaction commits.
    await asMerchant(merchant, () => emitter.emit('order.created', created))
    const rows = await eventsOf(merchant)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].event_type, 'order_placed')
    assert.equal(rows[0].session_id, `order:${created.orderId}`)
    assert.equal(rows[0].created_at.toISOString(), created.createdAt)
    // The payload is camelCase TypeScript; the stored JSON is snake_case.
    assert.deepEqual(rows[0].event_data, {
      order_id: created.orderId,
      total_minor: 1250,
      currency: 'EUR',
      items: [
        { item_id: 'latte', name: 'Latte', quantity: 2 },
        { item_id: 'croissant', name: 'Croissant', quantity: 1 },
      ],
    })
  })

  test('a replayed event is recorded once; an emit outside any tenant context finds the merchant', async ({
    assert,
  }) => {
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

  test('a failure to record never throws back into the emitting module: it is queued for retry', async ({
    assert,
  }) => {
    const failures = async () => {
      const metric = metrics.registry.getSingleMetric('analytics_listener_failures_total')!
      const { values } = await metric.get()
      return values[0]?.value ?? 0
    }
    const before = await failures()
    // An order of a merchant the directory does not know (yet): counted, queued, not thrown.
    const unknown = order(randomUUID())
    await emitter.emit('order.created', unknown)
    assert.equal(await failures(), before + 1)
    const queued = await Job.fromId(queue.getOrSet('analytics'), `order-placed.${unknown.orderId}`)
    assert.exists(queued)
    assert.equal(queued!.name, 'analytics.record_order_placed')
    assert.deepEqual(queued!.data, { merchantId: unknown.merchantId, order: unknown })
    await queued!.remove()
  })

  test('the retry job records the order once the merchant is known', async ({ assert }) => {
    const { merchant } = await createMerchant()
    const created = order(merchant.id)
    await runJobInTenant({ merchantId: merchant.id }, () =>
      new RecordOrderPlacedJob().handle({ merchantId: merchant.id, order: created })
    )
    await runJobInTenant({ merchantId: merchant.id }, () =>
      new RecordOrderPlacedJob().handle({ merchantId: merchant.id, order: created })
    )
    assert.lengthOf(await eventsOf(merchant), 1)
  })
})
