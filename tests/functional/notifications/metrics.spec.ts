import { test } from '@japa/runner'
import type { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { startHttpReceiver } from '#tests/support/stand_ins'
import {
  enqueueCommitted,
  merchantWithSettings,
  startNotificationWorkers,
  outboxStatus,
} from './helpers.js'
import { connect, closeSockets } from './socket_clients.js'
import { scrapeMetrics } from '#tests/support/http'

function sample(text: string, name: string, labels: string) {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels))
  return line ? Number(line.split(' ').pop()) : undefined
}

test.group('Notifications and realtime metrics', (group) => {
  let workers: WorkerPool | undefined
  group.each.teardown(async () => {
    closeSockets()
    await workers?.stop()
  })

  test('/metrics shows outcomes by channel, queue depth and socket connections', async ({
    client,
    assert,
  }) => {
    const receiver = await startHttpReceiver()
    try {
      const shop = await merchantWithSettings(client, {
        routes: { 'order.created': ['webhook'] },
        webhook_url: receiver.url,
      })
      const before =
        sample(
          await scrapeMetrics(client),
          'notification_outcomes_total',
          'channel="webhook",outcome="delivered"'
        ) ?? 0
      workers = startNotificationWorkers()
      const [id] = await enqueueCommitted(shop.merchantId, { event: 'order.created', payload: {} })
      await eventually(
        'delivered',
        async () => (await outboxStatus(shop.merchantId, id)) === 'completed'
      )
      await connect({ token: shop.token })

      const text = await scrapeMetrics(client)
      assert.equal(
        sample(text, 'notification_outcomes_total', 'channel="webhook",outcome="delivered"'),
        before + 1
      )
      assert.isDefined(sample(text, 'notification_outbox_rows', 'status="pending"'))
      assert.isDefined(sample(text, 'notification_queue_jobs', 'state="waiting"'))
      assert.isAtLeast(sample(text, 'socket_connections', 'kind="staff"') ?? 0, 1)
    } finally {
      await receiver.close()
    }
  })
})
