import { test } from '@japa/runner'
import env from '#start/env'
import { metrics } from '#core/observability/metrics'
import type { WorkerPool } from '#core/queue/worker_pool'
import { runJobInTenant, tenantDb } from '#tenancy/index'
import { eventually } from '#tests/support/eventually'
import { startSmtpServer } from '#tests/support/stand_ins'
import { startNotificationWorkers } from '../notifications/helpers.js'
import { buildMenu, createSlot, guest, postOrder } from './orders_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'
import { expectStatus } from '#tests/support/http'

function outbox(merchantId: string) {
  return runJobInTenant({ merchantId }, () =>
    tenantDb('write')
      .from('notification_queue')
      .where('merchant_id', merchantId)
      .orderBy('created_at')
  )
}

async function counterValue(name: string, labels: Record<string, string>) {
  const metric = await metrics.registry.getSingleMetric(name)!.get()
  return (
    metric.values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v))
      ?.value ?? 0
  )
}

test.group('Orders: notifications through the outbox', (group) => {
  let workers: WorkerPool | undefined
  group.each.teardown(async () => {
    await workers?.stop()
    workers = undefined
  })

  test('the order response arrives before a slow mail server has received the email', async ({
    client,
    assert,
  }) => {
    let openTheServer!: () => void
    const smtp = await startSmtpServer({
      greeting: new Promise<void>((resolve) => (openTheServer = resolve)),
    })
    env.set('SMTP_HOST', '127.0.0.1')
    env.set('SMTP_PORT', smtp.port)
    try {
      const shop = await createMerchantWithToken()
      const menu = await buildMenu(client, shop.token)
      const slot = await createSlot(client, shop.token, { capacity: 5 })
      const settings = await client
        .put('/api/v1/notifications/settings')
        .bearerToken(shop.token)
        .json({
          routes: { 'order.created': ['email'], 'order.ready': ['email'] },
          email_recipients: ['kitchen@shop.test'],
        })
      settings.assertStatus(200)
      workers = startNotificationWorkers()

      const response = await postOrder(client, shop.slug, {
        pickup_slot_id: slot.id,
        customer: guest,
        items: [{ item_id: menu.espresso.id, quantity: 1 }],
      })
      response.assertStatus(201)
      const order = response.body().data
      // Answered and committed, with its notifications in the outbox, while the server has not even said hello.
      assert.lengthOf(smtp.received, 0)
      const rows = await outbox(shop.merchant.id)
      assert.sameMembers(
        rows.map((r: any) => r.recipient),
        ['kitchen@shop.test', 'ada@mail.test']
      )
      assert.isTrue(
        rows.every(
          (r: any) =>
            r.event === 'order.created' &&
            r.payload.data.orderId === order.id &&
            r.priority === 'high'
        )
      )

      openTheServer()
      await eventually('both emails sent', async () => {
        const current = await outbox(shop.merchant.id)
        return current.every((r: any) => r.status === 'completed')
      })
      assert.lengthOf(smtp.received, 2)
      assert.sameMembers(
        smtp.received.flatMap((mail) => mail.to),
        ['<kitchen@shop.test>', '<ada@mail.test>']
      )
      assert.include(smtp.received[0].data, `Order #${order.number} received`)

      // A status the merchant routes (order.ready) notifies too, once per status.
      for (const status of ['accepted', 'preparing', 'ready']) {
        await expectStatus(
          client
            .patch(`/api/v1/orders/${order.id}/status`)
            .bearerToken(shop.token)
            .json({ status }),
          200
        )
      }
      await eventually('ready emails sent', () => smtp.received.length === 4)
      const afterReady = await outbox(shop.merchant.id)
      const ready = afterReady.filter((r: any) => r.event === 'order.ready')
      assert.lengthOf(ready, 2)
    } finally {
      openTheServer()
      await smtp.close()
    }
  })

  test('a refused order leaves no notification behind', async ({ client, assert }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 0 })
    await expectStatus(
      client
        .put('/api/v1/notifications/settings')
        .bearerToken(shop.token)
        .json({ routes: { 'order.created': ['sms'] }, sms_recipients: ['+3912345678'] }),
      200
    )
    await expectStatus(
      postOrder(client, shop.slug, {
        pickup_slot_id: slot.id,
        customer: guest,
        items: [{ item_id: menu.espresso.id, quantity: 1 }],
      }),
      409
    )
    assert.lengthOf(await outbox(shop.merchant.id), 0)
  })
})

test.group('Orders: metrics', () => {
  test('orders_created_total and order_revenue_minor_total count placed orders', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 5 })
    const orders = await counterValue('orders_created_total', { currency: 'EUR' })
    const revenue = await counterValue('order_revenue_minor_total', { currency: 'EUR' })
    await expectStatus(
      postOrder(client, shop.slug, {
        pickup_slot_id: slot.id,
        customer: guest,
        items: [{ item_id: menu.espresso.id, quantity: 3 }],
      }),
      201
    )
    assert.equal(await counterValue('orders_created_total', { currency: 'EUR' }), orders + 1)
    assert.equal(
      await counterValue('order_revenue_minor_total', { currency: 'EUR' }),
      revenue + 450
    )

    const scraped = await client.get('/metrics')
    assert.match(scraped.text(), /orders_created_total\{[^}]*currency="EUR"[^}]*\} \d+/)
    assert.match(scraped.text(), /order_revenue_minor_total\{[^}]*currency="EUR"[^}]*\} \d+/)
  })
})
