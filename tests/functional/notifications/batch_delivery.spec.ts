import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import queue from '@rlanz/bull-queue/services/main'
import type { ChildProcess } from 'node:child_process'
import { startWorkerProcess } from '#tests/support/app_process'
import { requireTenant } from '#tenancy/index'
import { delivery } from '#notifications/services/delivery'
import { relay } from '#notifications/services/relay'
import { SmsChannel } from '#notifications/channels/sms_channel'
import type { NotificationChannel } from '#notifications/channels/channel'
import type { QueuedNotification } from '#notifications/types'
import type { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { startHttpReceiver } from '#tests/support/stand_ins'
import {
  enqueueCommitted,
  inTenant,
  merchantWithSettings,
  outboxRow,
  outboxRows,
  outboxStatus,
  startNotificationWorkers,
} from './helpers.js'

/** An SMS provider stand-in: keeps each send with the merchant whose context sent it. */
class RecordingSms implements NotificationChannel {
  sent: Array<{ id: string; rowMerchant: string; contextMerchant: string; attempt: number }> = []
  failOnce = new Set<string>()

  async send(notification: QueuedNotification) {
    this.sent.push({
      id: notification.id,
      rowMerchant: notification.merchant_id,
      contextMerchant: requireTenant().merchantId,
      attempt: notification.attempts,
    })
    if (this.failOnce.delete(notification.recipient ?? ''))
      throw new Error('provider said 503, try again')
  }

  sendsOf(id: string) {
    return this.sent.filter((send) => send.id === id)
  }
}

/** A RecordingSms bound in place of the SMS channel for the rest of the test. */
function recordSms(cleanup: (fn: () => void) => void) {
  const sms = new RecordingSms()
  app.container.swap(SmsChannel, () => sms)
  cleanup(() => app.container.restore(SmsChannel))
  return sms
}

const phones = (count: number, prefix: number) =>
  Array.from({ length: count }, (_, n) => `+39${prefix}${String(1_000_000 + n)}`)

test.group('Notifications: batched delivery', (group) => {
  let workers: WorkerPool | undefined
  let child: ChildProcess | undefined
  group.each.teardown(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    child = undefined
    await workers?.stop()
    workers = undefined
  })

  test('a batch with one failing row: the others are sent once and recorded; the failing row alone is retried', async ({
    client,
    assert,
    cleanup,
  }) => {
    const recipients = phones(6, 3201)
    const { merchantId } = await merchantWithSettings(client, {
      routes: { 'order.created': ['sms'] },
      sms_recipients: recipients,
    })
    const sms = recordSms(cleanup)
    sms.failOnce.add(recipients[2])

    const ids = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
    assert.lengthOf(ids, 6)
    // One job's claim takes its row and fills the batch with the merchant's other due rows.
    await inTenant(merchantId, () => delivery.deliver(ids[0]))
    const rows = await outboxRows(merchantId)
    const failing = rows.find((row: any) => row.recipient === recipients[2])
    for (const row of rows.filter((r: any) => r.id !== failing.id)) {
      assert.equal(row.status, 'completed')
      assert.equal(row.attempts, 1)
      assert.lengthOf(sms.sendsOf(row.id), 1)
    }
    assert.equal(failing.status, 'pending', 'the failed send waits for its retry')
    assert.equal(failing.attempts, 1)
    assert.include(failing.last_error, 'provider said 503')
    assert.isAbove(new Date(failing.locked_until).getTime(), new Date(failing.updated_at).getTime())
    const retryJob = await queue.getOrSet('notifications').getJob(`${failing.id}-a2`)
    assert.exists(retryJob, 'a delayed job is queued for the next attempt')
    assert.equal(retryJob!.data.attempt, 2)

    // The queued jobs (one per row, plus the retry) finish the work: the failed row once more only.
    workers = startNotificationWorkers()
    await eventually(
      'retried row completed',
      async () => (await outboxStatus(merchantId, failing.id)) === 'completed'
    )
    await eventually('every job of these rows finished', async () => {
      for (const jobId of [...ids, `${failing.id}-a2`]) {
        const job = await queue.getOrSet('notifications').getJob(jobId)
        if (job && !['completed', 'failed'].includes(await job.getState())) return false
      }
      return true
    })
    assert.deepEqual(
      sms.sendsOf(failing.id).map((send) => send.attempt),
      [1, 2]
    )
    for (const id of ids.filter((rowId) => rowId !== failing.id))
      assert.lengthOf(sms.sendsOf(id), 1, 'no other row is sent again')
    const retried = await outboxRow(merchantId, failing.id)
    assert.equal(retried.attempts, 2)
  })

  test("a batch never holds another merchant's rows, and each row is sent in its own merchant's context", async ({
    client,
    assert,
    cleanup,
  }) => {
    const shopA = await merchantWithSettings(client, {
      routes: { 'order.created': ['sms'] },
      sms_recipients: phones(4, 3202),
    })
    const shopB = await merchantWithSettings(client, {
      routes: { 'order.created': ['sms'] },
      sms_recipients: phones(4, 3203),
    })
    const sms = recordSms(cleanup)
    const idsA = await enqueueCommitted(shopA.merchantId, { event: 'order.created', payload: {} })
    const idsB = await enqueueCommitted(shopB.merchantId, { event: 'order.created', payload: {} })

    // A job naming A's row but running for B: B's batch takes B's rows and leaves A's alone.
    const crossed = await inTenant(shopB.merchantId, () => delivery.deliver(idsA[0]))
    assert.equal(crossed.outcome, 'skipped')
    for (const row of await outboxRows(shopA.merchantId)) {
      assert.equal(row.status, 'pending')
      assert.equal(row.attempts, 0)
    }
    const rowsB = await outboxRows(shopB.merchantId)
    assert.sameMembers(
      rowsB.map((row: any) => row.status),
      ['completed', 'completed', 'completed', 'completed']
    )
    assert.sameMembers(
      sms.sent.filter((send) => [...idsA, ...idsB].includes(send.id)).map((send) => send.id),
      idsB
    )

    // Both merchants' jobs at once through the workers: every send in the row's own context.
    const moreA = await enqueueCommitted(shopA.merchantId, { event: 'order.created', payload: {} })
    const moreB = await enqueueCommitted(shopB.merchantId, { event: 'order.created', payload: {} })
    workers = startNotificationWorkers()
    const everyRow = [...idsA, ...moreA, ...moreB]
    await eventually('all rows sent', async () => {
      const rows = [
        ...(await outboxRows(shopA.merchantId)),
        ...(await outboxRows(shopB.merchantId)),
      ]
      return rows.every((row: any) => row.status === 'completed')
    })
    const ours = new Set([...idsA, ...idsB, ...moreA, ...moreB])
    const sends = sms.sent.filter((send) => ours.has(send.id))
    assert.lengthOf(sends, ours.size, 'each row sent once')
    for (const send of sends) assert.equal(send.contextMerchant, send.rowMerchant)
    for (const id of everyRow) assert.lengthOf(sms.sendsOf(id), 1)
  })

  test("an event's rows share one job named after the first; rows whose job is lost are swept into jobs again, and each is sent once", async ({
    client,
    assert,
    cleanup,
  }) => {
    const { merchantId } = await merchantWithSettings(client, {
      routes: { 'order.created': ['sms'] },
      sms_recipients: phones(3, 3204),
    })
    const sms = recordSms(cleanup)
    const bull = queue.getOrSet('notifications')

    const ids = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
    const job = await eventually('the hand-off reached the queue', () => bull.getJob(ids[0]))
    assert.deepEqual(job.data.notificationIds, ids, 'one job carries the three rows')
    for (const id of ids.slice(1)) assert.notExists(await bull.getJob(id))

    await job.remove() // Redis lost it
    // (The sweep covers the whole node: other tests' pending rows may be swept too.)
    const first = await relay.sweep({ graceSeconds: 0 })
    assert.isAtLeast(first.requeued, 3)
    const swept = await bull.getJob(ids[0])
    assert.deepEqual(swept?.data.notificationIds, ids, 'swept together into one job')
    // A second sweep knows the first row's job; the rows further down have no job of their own name
    // and are queued once more: two jobs now ask for them.
    const second = await relay.sweep({ graceSeconds: 0 })
    assert.isAtLeast(second.requeued, 2)
    const again = await bull.getJob(ids[1])
    assert.deepEqual(again?.data.notificationIds, ids.slice(1))

    workers = startNotificationWorkers()
    await eventually('both jobs finished', async () => {
      const states = await Promise.all([swept, again].map((queued) => queued?.getState()))
      return states.every((state) => state === 'completed')
    })
    for (const id of ids) {
      assert.lengthOf(sms.sendsOf(id), 1, 'sent once though asked for twice')
      const row = await outboxRow(merchantId, id)
      assert.equal(row.status, 'completed')
    }
  })

  test('a worker killed mid-batch: after recovery every row reaches a de-duplicating receiver exactly once', async ({
    client,
    assert,
  }) => {
    const holdFirst = 5
    let held = 0
    const receiver = await startHttpReceiver(() => (held++ < holdFirst ? 'hold' : 200))
    try {
      const { merchantId } = await merchantWithSettings(client, {
        routes: { 'order.created': ['webhook'] },
        webhook_url: receiver.url,
      })
      const ids: string[] = []
      for (let n = 0; n < holdFirst; n++) {
        const [id] = await enqueueCommitted(merchantId, {
          event: 'order.created',
          payload: { orderId: `o-${n}` },
        })
        ids.push(id)
      }
      // One job in the child claims all five as one batch and sends them at once; none is answered.
      child = await startWorkerProcess(['--concurrency=1'], {
        NOTIFICATION_LEASE_SECONDS: '1',
        NOTIFICATIONS_ALLOW_PRIVATE_TARGETS: 'true',
      })
      await eventually('the whole batch in flight', () => receiver.requests.length >= holdFirst)
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
      for (const id of ids) {
        const orphan = await outboxRow(merchantId, id)
        assert.equal(orphan.status, 'processing', 'the dead worker still holds the row')
        assert.equal(orphan.attempts, 1)
      }

      workers = startNotificationWorkers()
      await eventually('every row completed after recovery', async () => {
        await relay.sweep({ graceSeconds: 0 })
        const rows = await Promise.all(ids.map((id) => outboxRow(merchantId, id)))
        return rows.every((row) => row.status === 'completed')
      })
      await relay.sweep({ graceSeconds: 0 })

      // What a receiver that drops repeated delivery ids keeps: each row once.
      const seen = receiver.requests.map((request) => String(request.headers['gudbro-delivery']))
      assert.sameMembers([...new Set(seen)], ids)
      const acknowledged = receiver
        .delivered()
        .map((request) => String(request.headers['gudbro-delivery']))
      assert.sameMembers(acknowledged, ids, 'one acknowledged delivery per row')
      const rows = await Promise.all(ids.map((id) => outboxRow(merchantId, id)))
      assert.deepEqual(
        rows.map((row) => row.attempts),
        [2, 2, 2, 2, 2]
      )
    } finally {
      await receiver.close()
    }
  }).timeout(90_000)
})
