import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { shardNodes } from '#config/database'
import { shardRouter } from '#tenancy/index'
import { ShardMover } from '#tenancy/sharding/moves/shard_mover'
import {
  leftovers,
  NOTHING_LEFT,
  nodeUrls,
  shardDigests as digests,
} from '#tests/shard_moves/shard_checks'
import {
  assertAcknowledgedOn,
  prepareShardMerchant,
  underLoad,
} from '#tests/shard_moves/shard_load'
import type { ApiClient } from '@japa/api-client'
import { sampleNow } from '#core/observability/metrics'
import { scrapeMetrics } from '#tests/support/http'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function mover() {
  return new ShardMover(shardRouter, { nodeUrls, controlUrl: env.get('DATABASE_URL') })
}

/** A merchant whose shard shares its node with another merchant's shard: writes to both go on. */
async function twoShardsOnOneNode(client: ApiClient) {
  const moving = await prepareShardMerchant(client)
  const source = shardRouter.connectionForShard(moving.merchant.shardId)
  for (let attempt = 0; attempt < 30; attempt++) {
    const other = await prepareShardMerchant(client)
    const shard = other.merchant.shardId
    if (shard !== moving.merchant.shardId && shardRouter.connectionForShard(shard) === source)
      return { moving, other, source, target: shardNodes.find((n) => n.name !== source)!.name }
  }
  throw new Error('no second shard on the same node')
}

async function eventuallyEqualDigests(source: string, target: string, shard: number) {
  let last: unknown
  for (let attempt = 0; attempt < 100; attempt++) {
    const [mine, theirs] = await Promise.all([digests(source, shard), digests(target, shard)])
    if (JSON.stringify(mine) === JSON.stringify(theirs)) return theirs
    last = { mine, theirs }
    await sleep(100)
  }
  throw new Error(`the old copy never caught up: ${JSON.stringify(last)}`)
}

test.group('Shard moves between two PostgreSQL servers', () => {
  test('a shard moves while orders, events, chat and menu edits go on; complete leaves it on the target alone', async ({
    client,
    assert,
  }) => {
    const { moving, other, source, target } = await twoShardsOnOneNode(client)
    const shard = moving.merchant.shardId
    let fenceMs: number | null = null
    const reports = await underLoad(client, { moving, other }, async () => {
      const move = await mover().move(shard, target, 'test')
      fenceMs = move.fence_ms
    })

    assert.equal(shardRouter.connectionForShard(shard), target)
    assert.deepEqual(reports.other.errors, [], 'writes to another shard')
    assert.equal(reports.other.retried, 0, 'writes to another shard never paused')
    assert.deepEqual(reports.moving.errors, [], 'writes to the moving shard')
    assert.isAbove(reports.moving.writes, 50)
    assert.isNotNull(fenceMs)
    assert.isBelow(fenceMs!, 10_000)
    await assertAcknowledgedOn(assert, target, reports.moving)

    // The servers report the move that the command (here, this process) runs.
    await sampleNow()
    const exposed = await scrapeMetrics(client)
    assert.match(exposed, /^shard_move_step\{step="switched"[^}]*\} 1$/m)
    assert.match(exposed, /^shard_move_last_fence_seconds\{[^}]*\} (?!0$)[\d.e-]+$/m)
    assert.match(exposed, new RegExp(`^shard_map_version\\{[^}]*\\} ${shardRouter.version}$`, 'm'))

    // Until --complete, reverse replication keeps the old copy identical.
    const onTarget = await eventuallyEqualDigests(source, target, shard)
    assert.isAbove(onTarget.orders.rows, 0)

    await mover().complete(shard)
    const afterSource = await digests(source, shard)
    for (const [table, digest] of Object.entries(afterSource))
      assert.equal(digest.rows, 0, `${table} still holds rows of shard ${shard} on ${source}`)
    const afterTarget = await digests(target, shard)
    // No row lost or duplicated by the clean-up.
    assert.deepEqual(afterTarget, onTarget)
    assert.deepEqual(await leftovers(source), NOTHING_LEFT)
    assert.deepEqual(await leftovers(target), NOTHING_LEFT)
    const record = await db
      .connection('control')
      .from('shard_moves')
      .orderBy('created_at', 'desc')
      .first()
    assert.include(record, { shard_id: shard, state: 'completed', step: 'completed' })
  }).timeout(240_000)

  test('a switched move rolls back under writes: the shard ends where it began, nothing left', async ({
    client,
    assert,
  }) => {
    const { moving, other, source, target } = await twoShardsOnOneNode(client)
    const shard = moving.merchant.shardId
    const reports = await underLoad(client, { moving, other }, async () => {
      await mover().move(shard, target, 'test')
      await sleep(1000)
      await mover().rollback(shard)
    })

    assert.equal(shardRouter.connectionForShard(shard), source)
    assert.deepEqual(reports.other.errors, [])
    assert.equal(reports.other.retried, 0)
    assert.deepEqual(reports.moving.errors, [])
    await assertAcknowledgedOn(assert, source, reports.moving)
    const onTarget = await digests(target, shard)
    for (const [table, digest] of Object.entries(onTarget))
      assert.equal(digest.rows, 0, `${table} still holds rows of shard ${shard} on ${target}`)
    assert.deepEqual(await leftovers(source), NOTHING_LEFT)
    assert.deepEqual(await leftovers(target), NOTHING_LEFT)
  }).timeout(240_000)
})
