import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { WorkerPool } from '#core/queue/worker_pool'
import { gdprErasure, hardDeletes } from '#compliance/index'
import { moduleRegistry, runJobInTenant, shardRouter } from '#tenancy/index'
import User from '#tenancy/models/user'
import { TEST_PASSWORD, merchantsOnTwoNodes } from '#tests/support/merchants'
import { seedCustomerData } from './helpers.js'

const DAY = 86_400_000

async function erasedCustomer() {
  const [a, b] = await merchantsOnTwoNodes()
  const email = `gone-${randomUUID().slice(0, 8)}@example.test`
  const user = await User.create({ email, password: TEST_PASSWORD, fullName: 'Gone Soon' })
  const conversationA = await seedCustomerData(a.merchant.id, {
    email,
    name: 'Gone Soon',
    userId: user.id,
  })
  const conversationB = await seedCustomerData(b.merchant.id, { email, name: 'Gone Soon' })
  const { receipt } = await gdprErasure.erase({ email, reason: 'test erasure', via: 'command' })
  const nodeA = shardRouter.connectionForShard(a.merchant.shardId)
  const nodeB = shardRouter.connectionForShard(b.merchant.shardId)
  const remaining = async () => {
    const messagesB = await db
      .connection(nodeB)
      .from('messages')
      .where('conversation_id', conversationB)
    return {
      user: await db.connection('control').from('users').where('id', user.id).first(),
      conversationA: await db
        .connection(nodeA)
        .from('conversations')
        .where('id', conversationA)
        .first(),
      conversationB: await db
        .connection(nodeB)
        .from('conversations')
        .where('id', conversationB)
        .first(),
      messagesB: messagesB.length,
    }
  }
  return { receipt, remaining, user }
}

test.group('GDPR hard delete', () => {
  test('runs when due, not before, and only once', async ({ assert }) => {
    const { receipt, remaining } = await erasedCustomer()
    // Time moves: 89 days later nothing is due; 91 days later the rows go.
    const early = await hardDeletes.runDue(new Date(Date.now() + 89 * DAY))
    const beforeDue = await remaining()
    assert.isNotNull(beforeDue.user)
    assert.equal(early.requests, 0)
    const due = await hardDeletes.runDue(new Date(Date.now() + 91 * DAY))
    assert.isAtLeast(due.requests, 1)
    assert.deepEqual(await remaining(), {
      user: null,
      conversationA: null,
      conversationB: null,
      messagesB: 0,
    })
    const request = await db
      .connection('control')
      .from('gdpr_requests')
      .where('id', receipt.id)
      .first()
    assert.equal(request.status, 'deleted')
    assert.deepEqual(request.pending_deletes, [])
    const again = await hardDeletes.runDue(new Date(Date.now() + 92 * DAY))
    assert.equal(again.requests, 0)
  })

  test('survives a restart: the due row is run by a fresh worker after Redis lost everything', async ({
    assert,
  }) => {
    const { receipt, remaining, user } = await erasedCustomer()
    // 90 days pass while nothing runs; then Redis comes back empty and a worker starts.
    await db
      .connection('control')
      .from('gdpr_requests')
      .where('id', receipt.id)
      .update({ hard_delete_due_at: new Date(Date.now() - DAY) })
    await redis.flushdb()
    const registry = moduleRegistry()
    const connection = app.config.get<{ defaultConnection: Record<string, unknown> }>(
      'queue'
    ).defaultConnection
    const pool = new WorkerPool(
      app,
      logger,
      connection,
      await registry.loadJobs(),
      runJobInTenant,
      { concurrency: 2 }
    )
    const allSchedules = await registry.loadSchedules()
    const schedules = allSchedules.filter((s) => s.name === 'compliance.retention_sweep')
    assert.lengthOf(schedules, 1)
    pool.start(['compliance'])
    try {
      await pool.upsertSchedules(schedules)
      const deadline = Date.now() + 15_000
      let status = ''
      while (Date.now() < deadline) {
        const request = await db
          .connection('control')
          .from('gdpr_requests')
          .where('id', receipt.id)
          .first()
        status = request.status
        if (status === 'deleted') break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      assert.equal(status, 'deleted')
      const afterSweep = await remaining()
      assert.isNull(afterSweep.user)
      // The job's writes were audited as the job's.
      const audit = await db
        .connection('control')
        .from('audit_log')
        .where({ resource_type: 'users', action: 'DELETE', resource_id: user.id })
        .first()
      assert.equal(audit?.actor_type, 'job')
    } finally {
      await pool.stop()
    }
  })
})
