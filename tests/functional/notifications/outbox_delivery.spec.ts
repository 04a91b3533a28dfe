import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import queue from '@rlanz/bull-queue/services/main'
import env from '#start/env'
import { shardRouter } from '#tenancy/index'
import { enqueueNotifications, verifyWebhookSignature } from '#notifications/index'
import { relay } from '#notifications/services/relay'
import { delivery } from '#notifications/services/delivery'
import type { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { startHttpReceiver, startSmtpServer } from '#tests/support/stand_ins'
import {
  enqueueCommitted,
  inTenant,
  merchantWithSettings,
  outboxRow,
  outboxRows,
  startNotificationWorkers,
  outboxStatus,
} from './helpers.js'

test.group('Notifications outbox: delivery', (group) => {
  let workers: WorkerPool | undefined
  group.each.teardown(async () => {
    await workers?.stop()
    workers = undefined
  })

  test('rows commit with the transaction and follow the merchant channel settings', async ({
    client,
    assert,
  }) => {
    const { merchantId } = await merchantWithSettings(client, {
      routes: { 'order.created': ['email', 'sms'] },
      email_recipients: ['kitchen@shop.test'],
      sms_recipients: ['+3912345678'],
    })
    const rolledBack = inTenant(merchantId, () =>
      shardRouter.transaction(async (trx) => {
        await enqueueNotifications(trx, { event: 'order.created', payload: { orderId: 'x' } })
        throw new Error('order failed')
      })
    )
    await assert.rejects(() => rolledBack, 'order failed')
    assert.lengthOf(await outboxRows(merchantId), 0)

    const ids = await enqueueCommitted(merchantId, {
      event: 'order.created',
      payload: { orderId: 'o-1' },
      recipients: { email: ['customer@mail.test', 'kitchen@shop.test'] },
    })
    const none = await enqueueCommitted(merchantId, { event: 'order.completed', payload: {} })
    assert.lengthOf(none, 0, 'an event without channels writes nothing')
    const rows = await outboxRows(merchantId)
    assert.lengthOf(ids, 3)
    assert.sameMembers(
      rows.map((row: any) => `${row.type}:${row.recipient}`),
      ['email:kitchen@shop.test', 'email:customer@mail.test', 'sms:+3912345678']
    )
    assert.isTrue(
      rows.every((row: any) => row.status === 'pending' && row.merchant_id === merchantId)
    )
  })

  test('the same idempotency key enqueues once; priority and scheduled_for reach the queue', async ({
    client,
    assert,
  }) => {
    const receiver = await startHttpReceiver()
    try {
      const { merchantId } = await merchantWithSettings(client, {
        routes: { 'order.ready': ['webhook'] },
        webhook_url: receiver.url,
      })
      const later = new Date(Date.now() + 3_600_000)
      const input = {
        event: 'order.ready',
        payload: {},
        priority: 'high' as const,
        scheduledFor: later,
        idempotencyKey: 'order-9:ready',
      }
      const [id] = await enqueueCommitted(merchantId, input)
      assert.lengthOf(await enqueueCommitted(merchantId, input), 0)
      assert.lengthOf(await outboxRows(merchantId), 1)

      const job = await eventually('job in the queue', () =>
        queue.getOrSet('notifications').getJob(id)
      )
      assert.equal(job.id, id, 'the row id is the job id')
      assert.equal(job.opts.priority, 1)
      assert.isAbove(job.opts.delay ?? 0, 3_500_000)
      assert.equal(await job.getState(), 'delayed')
      await job.remove()
    } finally {
      await receiver.close()
    }
  })

  test('a webhook receiver failing twice is delivered on the third attempt with a valid signature', async ({
    client,
    assert,
  }) => {
    const receiver = await startHttpReceiver((_request, index) => (index < 2 ? 500 : 204))
    try {
      const { merchantId, settings } = await merchantWithSettings(client, {
        routes: { 'order.created': ['webhook'] },
        webhook_url: `${receiver.url}/hooks`,
      })
      workers = startNotificationWorkers()
      const [id] = await enqueueCommitted(merchantId, {
        event: 'order.created',
        payload: { orderId: 'o-7', total: 1250 },
      })

      const row = await eventually('row completed', async () => {
        const current = await outboxRow(merchantId, id)
        return current.status === 'completed' && current
      })
      assert.equal(row.attempts, 3)
      assert.lengthOf(receiver.requests, 3)
      assert.lengthOf(receiver.delivered(), 1)
      const delivered = receiver.delivered()[0]
      assert.equal(delivered.headers['gudbro-delivery'], id)
      assert.equal(delivered.headers['gudbro-event'], 'order.created')
      assert.match(String(delivered.headers['gudbro-signature']), /^t=\d+,v1=[0-9a-f]{64}$/)
      assert.isTrue(
        verifyWebhookSignature(
          settings.webhook_secret,
          delivered.body,
          String(delivered.headers['gudbro-signature'])
        )
      )
      assert.isFalse(
        verifyWebhookSignature(
          'whsec_wrong',
          delivered.body,
          String(delivered.headers['gudbro-signature'])
        )
      )
      const body = JSON.parse(delivered.body)
      assert.deepEqual(
        { ...body, created_at: typeof body.created_at },
        {
          api_version: '2026-12-01',
          id,
          event: 'order.created',
          merchant_id: merchantId,
          created_at: 'string',
          data: { order_id: 'o-7', total: 1250 },
        }
      )
    } finally {
      await receiver.close()
    }
  })

  test('concurrent and late duplicate jobs of one row send it once', async ({ client, assert }) => {
    const receiver = await startHttpReceiver()
    try {
      const { merchantId } = await merchantWithSettings(client, {
        routes: { 'order.created': ['webhook'] },
        webhook_url: receiver.url,
      })
      const [id] = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => inTenant(merchantId, () => delivery.deliver(id)))
      )
      assert.deepEqual(outcomes.map((o) => o.outcome).sort(), [
        'delivered',
        'skipped',
        'skipped',
        'skipped',
        'skipped',
      ])
      // A late duplicate (a stalled job retried, a second sweep) finds the row completed.
      const duplicate = await inTenant(merchantId, () => delivery.deliver(id))
      assert.equal(duplicate.outcome, 'skipped')
      // And the original queued job, when a worker gets to it, does nothing either.
      workers = startNotificationWorkers()
      await eventually('queued job finished', async () => {
        const job = await queue.getOrSet('notifications').getJob(id)
        return job && (await job.getState()) === 'completed'
      })
      assert.lengthOf(receiver.requests, 1)
      const row = await outboxRow(merchantId, id)
      assert.equal(row.status, 'completed')
      assert.equal(row.attempts, 1)
    } finally {
      await receiver.close()
    }
  })

  test('webhooks to private addresses are refused outside development', async ({
    client,
    assert,
  }) => {
    const receiver = await startHttpReceiver()
    env.set('NOTIFICATIONS_ALLOW_PRIVATE_TARGETS', false)
    try {
      const { merchantId } = await merchantWithSettings(client, {
        routes: { 'order.created': ['webhook'] },
        webhook_url: receiver.url,
      })
      const [id] = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
      const result = await inTenant(merchantId, () => delivery.deliver(id))
      assert.equal(result.outcome, 'failed')
      const row = await outboxRow(merchantId, id)
      assert.equal(row.status, 'failed')
      assert.include(row.last_error, 'private address')
      assert.lengthOf(receiver.requests, 0)
    } finally {
      env.set('NOTIFICATIONS_ALLOW_PRIVATE_TARGETS', true)
      await receiver.close()
    }
  })

  test('after max_attempts the row is failed with the last error; staff can retry it', async ({
    client,
    assert,
  }) => {
    let healthy = false
    const receiver = await startHttpReceiver(() => (healthy ? 200 : 503))
    try {
      const { merchantId, token } = await merchantWithSettings(client, {
        routes: { 'order.created': ['webhook'] },
        webhook_url: receiver.url,
      })
      workers = startNotificationWorkers()
      const [id] = await enqueueCommitted(merchantId, {
        event: 'order.created',
        payload: {},
        maxAttempts: 2,
      })
      const row = await eventually('row failed', async () => {
        const current = await outboxRow(merchantId, id)
        return current.status === 'failed' && current
      })
      assert.equal(row.attempts, 2)
      assert.include(row.last_error, 'HTTP 503')
      assert.isNotNull(row.processed_at)
      assert.lengthOf(receiver.requests, 2)

      // Staff retry it once the receiver is fixed: a fresh set of attempts.
      healthy = true
      const retried = await client
        .post(`/api/v1/notifications/outbox/${id}/retry`)
        .header('Authorization', `Bearer ${token}`)
      retried.assertStatus(202)
      await eventually(
        'row completed after retry',
        async () => (await outboxStatus(merchantId, id)) === 'completed'
      )
      assert.lengthOf(receiver.delivered(), 1)
      const again = await client
        .post(`/api/v1/notifications/outbox/${id}/retry`)
        .header('Authorization', `Bearer ${token}`)
      again.assertStatus(409)
    } finally {
      await receiver.close()
    }
  })

  test('Redis flushed right after the commit: the sweep still delivers the email exactly once', async ({
    client,
    assert,
  }) => {
    const smtp = await startSmtpServer()
    env.set('SMTP_HOST', '127.0.0.1')
    env.set('SMTP_PORT', smtp.port)
    try {
      const { merchantId } = await merchantWithSettings(client, {
        routes: { 'order.created': ['email'] },
      })
      const [id] = await enqueueCommitted(merchantId, {
        event: 'order.created',
        payload: { orderId: 'o-3' },
        message: { title: 'Order #3 received', body: 'We are on it' },
        recipients: { email: ['guest@mail.test'] },
      })
      await eventually('hand-off reached the queue', () =>
        queue.getOrSet('notifications').getJob(id)
      )
      await redis.flushdb()
      assert.notExists(
        await queue.getOrSet('notifications').getJob(id),
        'the hand-off is gone with Redis'
      )

      workers = startNotificationWorkers()
      const { requeued } = await relay.sweep({ graceSeconds: 0 })
      assert.isAtLeast(requeued, 1)
      await relay.sweep({ graceSeconds: 0 }) // a second sweep (another process) must not send it again
      await eventually(
        'row completed',
        async () => (await outboxStatus(merchantId, id)) === 'completed'
      )
      await relay.sweep({ graceSeconds: 0 })
      await workers.stop()
      workers = undefined

      // The sweep is global: other tests' leftovers may arrive too, so count this notification's mails.
      const mails = smtp.received.filter((mail) =>
        mail.data.includes(`Message-ID: <${id}@notifications.gudbro>`)
      )
      assert.lengthOf(mails, 1)
      assert.deepEqual(mails[0].to, ['<guest@mail.test>'])
      assert.include(mails[0].data, 'Subject: Order #3 received')
      const row = await outboxRow(merchantId, id)
      assert.equal(row.attempts, 1)
    } finally {
      await smtp.close()
    }
  })

  test('enqueueing does not wait for a slow SMTP server', async ({ client, assert }) => {
    let openTheServer!: () => void
    const smtp = await startSmtpServer({
      greeting: new Promise<void>((resolve) => (openTheServer = resolve)),
    })
    env.set('SMTP_HOST', '127.0.0.1')
    env.set('SMTP_PORT', smtp.port)
    try {
      const { merchantId } = await merchantWithSettings(client, {
        routes: { 'order.created': ['email'] },
        email_recipients: ['owner@shop.test'],
      })
      workers = startNotificationWorkers()
      const [id] = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
      // The enqueue has returned and committed while the server has not even greeted anyone.
      const mine = () =>
        smtp.received.filter((mail) =>
          mail.data.includes(`Message-ID: <${id}@notifications.gudbro>`)
        )
      assert.lengthOf(mine(), 0)
      assert.oneOf(await outboxStatus(merchantId, id), ['pending', 'processing'])
      openTheServer()
      await eventually(
        'row completed',
        async () => (await outboxStatus(merchantId, id)) === 'completed'
      )
      assert.lengthOf(mine(), 1)
    } finally {
      openTheServer()
      await smtp.close()
    }
  })
})
