import { test } from '@japa/runner'
import type { ChildProcess } from 'node:child_process'
import { startWorkerProcess as startWorker } from '#tests/support/app_process'
import { relay } from '#notifications/services/relay'
import type { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { startHttpReceiver } from '#tests/support/stand_ins'
import {
  enqueueCommitted,
  merchantWithSettings,
  outboxRow,
  startNotificationWorkers,
  outboxStatus,
} from './helpers.js'

/** `node ace queue:work` in a child process, with a short row lease so recovery does not wait a minute. */
function startWorkerProcess() {
  return startWorker(['--concurrency=1'], {
    NOTIFICATION_LEASE_SECONDS: '1',
    NOTIFICATIONS_ALLOW_PRIVATE_TARGETS: 'true',
  })
}

test.group('Notifications outbox: a worker dies mid-send', (group) => {
  let workers: WorkerPool | undefined
  let child: ChildProcess | undefined
  group.each.teardown(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await workers?.stop()
  })

  test('SIGKILL while the webhook is in flight: delivered exactly once after recovery', async ({
    client,
    assert,
  }) => {
    let firstRequestArrived!: () => void
    const arrived = new Promise<void>((resolve) => (firstRequestArrived = resolve))
    // The first request is held open (the worker is killed before the answer); later ones get 200.
    const receiver = await startHttpReceiver((_request, index) => {
      if (index === 0) {
        firstRequestArrived()
        return 'hold'
      }
      return 200
    })
    try {
      const { merchantId } = await merchantWithSettings(client, {
        routes: { 'order.created': ['webhook'] },
        webhook_url: receiver.url,
      })
      child = await startWorkerProcess()
      const [id] = await enqueueCommitted(merchantId, {
        event: 'order.created',
        payload: { orderId: 'o-kill' },
      })

      await arrived
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
      const orphan = await outboxRow(merchantId, id)
      assert.equal(orphan.status, 'processing', 'the dead worker still holds the row')
      assert.equal(orphan.attempts, 1)

      // Recovery: a live worker and the sweep (which frees the row once the dead worker's lease ran out).
      workers = startNotificationWorkers()
      const row = await eventually('row completed after recovery', async () => {
        await relay.sweep({ graceSeconds: 0 })
        const current = await outboxRow(merchantId, id)
        return current.status === 'completed' && current
      })

      assert.equal(row.attempts, 2)
      assert.include(row.last_error, 'lease expired')
      assert.lengthOf(receiver.requests, 2, 'one cut-off attempt, one delivery')
      assert.lengthOf(receiver.delivered(), 1)
      assert.deepEqual(
        receiver.requests.map((request) => request.headers['gudbro-delivery']),
        [id, id],
        'both attempts carry the same delivery id, so a receiver can drop a repeat'
      )
      // Another sweep and a while for stray jobs: nothing more is sent.
      await relay.sweep({ graceSeconds: 0 })
      assert.equal(await outboxStatus(merchantId, id), 'completed')
      assert.lengthOf(receiver.delivered(), 1)
    } finally {
      await receiver.close()
    }
  }).timeout(90_000)
})
