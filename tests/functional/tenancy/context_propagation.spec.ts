import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'
import redis from '@adonisjs/redis/services/main'
import { Queue } from 'bullmq'
import { WorkerPool } from '#core/queue/worker_pool'
import { dispatch } from '#core/queue/dispatcher'
import { createMerchant } from '#tests/support/merchants'
import {
  contextFromMerchant,
  getTenant,
  runWithTenant,
  requireTenant,
} from '#tenancy/context/tenant_context'
import { dispatchTenantJob, runJobInTenant } from '#tenancy/services/tenant_jobs'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import RecordTenantJob from '#tests/fixtures/jobs/record_tenant_job'
import FailingJob from '#tests/fixtures/jobs/failing_job'

async function waitForKey(key: string, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await redis.get(key)
    if (value !== null) return value
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${key}`)
}

test.group('tenant context propagation', (group) => {
  let pool: WorkerPool
  group.setup(async () => {
    const logger = await app.container.make('logger')
    const connection = app.config.get<{ defaultConnection: Record<string, unknown> }>(
      'queue'
    ).defaultConnection
    pool = new WorkerPool(
      app,
      logger,
      connection,
      [RecordTenantJob as any, FailingJob as any],
      runJobInTenant,
      { baseBackoffMs: 10 }
    )
    pool.start()
    return async () => {
      await pool.stop()
      const queue = new Queue('tests', { connection: connection as any })
      await queue.obliterate({ force: true })
      await queue.close()
    }
  })

  test('a job dispatched inside a tenant runs inside the same tenant', async ({ assert }) => {
    const { merchant } = await createMerchant()
    const snapshot = (await merchantDirectory.byId(merchant.id))!
    const marker = randomUUID()
    await runWithTenant(contextFromMerchant(snapshot), () =>
      dispatchTenantJob(RecordTenantJob as any, { marker })
    )
    const recorded = JSON.parse(await waitForKey(`test:job:${marker}`))
    assert.deepEqual(recorded, { merchantId: merchant.id, shardId: merchant.shardId })
  })

  test('dispatching a tenant job outside a tenant context throws', async ({ assert }) => {
    assert.isUndefined(getTenant())
    await assert.rejects(
      () => dispatchTenantJob(RecordTenantJob as any, { marker: 'x' }),
      /outside of a tenant context/
    )
  })

  test('a failing job is retried, then rescued once with its last error', async ({ assert }) => {
    const { merchant } = await createMerchant()
    const marker = randomUUID()
    await dispatch(FailingJob as any, { merchantId: merchant.id, marker } as any, { attempts: 3 })
    assert.equal(await waitForKey(`test:rescued:${marker}`), '3:deliberate failure')
  })

  test('an unknown job name fails loudly instead of completing', async ({ assert }) => {
    const connection = app.config.get<{ defaultConnection: Record<string, unknown> }>(
      'queue'
    ).defaultConnection
    const queue = new Queue('tests', { connection: connection as any })
    const job = await queue.add('tests.no_such_job', { merchantId: null }, { attempts: 1 })
    const deadline = Date.now() + 10000
    let state = await job.getState()
    while (state !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      state = await job.getState()
    }
    assert.equal(state, 'failed')
    const failed = await queue.getJob(job.id!)
    assert.include(failed!.failedReason, 'Unknown job')
    await queue.close()
  })

  test('an event listener runs inside the emitting tenant, even after awaiting I/O', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const seen: Array<string | undefined> = []
    const listener = async () => {
      await redis.ping()
      seen.push(getTenant()?.merchantId)
    }
    emitter.on('merchant.onboarded', listener)
    try {
      const second = await createMerchant()
      const snapshot = (await merchantDirectory.byId(merchant.id))!
      await runWithTenant(contextFromMerchant(snapshot), async () => {
        await emitter.emit('merchant.onboarded', {
          merchantId: requireTenant().merchantId,
          slug: merchant.slug,
          tier: merchant.tier,
          vertical: merchant.vertical,
          shardId: merchant.shardId,
          ownerUserId: null,
        })
      })
      assert.deepEqual(seen, [second.merchant.id, merchant.id])
    } finally {
      emitter.off('merchant.onboarded', listener)
    }
  })
})
