import { test } from '@japa/runner'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import { shardNodes } from '#config/database'
import { shardRouter } from '#tenancy/index'
import { TEST_PASSWORD } from '#tests/support/merchants'
import { moduleWorkers } from '#tests/support/workers'
import { codeAt, resetLoopbackSignInLimit } from '#tests/support/second_factor'
import { supportToken } from '#tests/functional/compliance/helpers'
import { prepareShardMerchant } from '#tests/shard_moves/shard_load'
import { gudbro } from '#tests/support/child_process'

test.group('gudbro shards', () => {
  test('support moves a shard and completes it from the CLI; the flip is audited under their name', async ({
    client,
    assert,
  }) => {
    const shop = await prepareShardMerchant(client)
    const shard = shop.merchant.shardId
    await shardRouter.load()
    const source = shardRouter.connectionForShard(shard)
    const target = shardNodes.find((node) => node.name !== source)!.name
    const pool = await moduleWorkers()
    // Only the shard operations' queue: other queues' schedules are not this test's business.
    const workers = pool.start(['shards'])
    const dir = await mkdtemp(join(tmpdir(), 'gudbro-shards-'))
    try {
      await resetLoopbackSignInLimit()
      const support = await supportToken(client)
      const config = join(dir, 'config.json')
      const login = await gudbro(config, [
        '--json',
        'login',
        '--url',
        `http://${process.env.HOST}:${process.env.PORT}`,
        '--email',
        support.email,
        '--password',
        TEST_PASSWORD,
        '--code',
        codeAt(support.secret),
      ])
      assert.equal(login.code, 0, login.stderr)

      const refused = await gudbro(config, ['shards', 'move', String(shard), target])
      assert.notEqual(refused.code, 0)
      assert.include(refused.stderr, '--reason is required')

      const moved = await gudbro(config, [
        'shards',
        'move',
        String(shard),
        target,
        '--reason',
        'make room',
      ])
      assert.equal(moved.code, 0, moved.stderr)
      assert.include(moved.stderr, `shard ${shard} switched to ${target}`)

      const status = await gudbro(config, ['--json', 'shards', 'status'])
      const state = JSON.parse(status.stdout)
      assert.equal(state.shards[shard].node, target)
      assert.include(state.active_move, { shard_id: shard, step: 'switched', reason: 'make room' })

      const completed = await gudbro(config, [
        'shards',
        'complete',
        String(shard),
        '--reason',
        'make room',
      ])
      assert.equal(completed.code, 0, completed.stderr)
      const finalStatus = await gudbro(config, ['--json', 'shards', 'status'])
      const after = JSON.parse(finalStatus.stdout)
      assert.isNull(after.active_move)
      assert.equal(after.recent_moves[0].state, 'completed')

      const audit = await db
        .connection('control')
        .from('audit_log')
        .where({ resource_type: 'shard_map', action: 'UPDATE' })
        .whereRaw(`new_values->>'shard_id' = ?`, [String(shard)])
        .orderBy('created_at', 'desc')
        .first()
      assert.include(audit, {
        actor_id: support.user.id,
        actor_type: 'support',
        reason: 'make room',
      })
      assert.equal(audit.new_values.connection_name, target)
    } finally {
      await workers.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }).timeout(180_000)
})
