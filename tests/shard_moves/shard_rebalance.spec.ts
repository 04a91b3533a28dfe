import { test } from '@japa/runner'
import env from '#start/env'
import { shardNodes } from '#config/database'
import { ShardMover, ShardRebalancer, shardRouter } from '#tenancy/index'
import { tenantTables } from '#tenancy/sharding/moves/shard_tables'
import {
  leftovers,
  NOTHING_LEFT,
  nodeUrls,
  shardDigests as digests,
  withNode,
} from '#tests/shard_moves/shard_checks'
import { prepareShardMerchant } from '#tests/shard_moves/shard_load'

/** Tenant rows of any shard on the node (the moves' own markers aside). */
function tenantRows(node: string) {
  return withNode(node, async (session) => {
    let rows = 0
    for (const table of await tenantTables(session)) {
      if (table.name === 'shard_move_markers') continue
      const counted = await session.one<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table.name}" WHERE shard_id IS NOT NULL`
      )
      rows += counted.n
    }
    return rows
  })
}

function shardsPerNode() {
  return Object.fromEntries(
    shardNodes.map((node) => [node.name, shardRouter.shardsOn(node.name).length])
  )
}

test.group('Shard rebalancing over three PostgreSQL servers', () => {
  test('two nodes drain onto the third, then 16 shards rebalance from one node onto three', async ({
    client,
    assert,
  }) => {
    assert.lengthOf(shardNodes, 3)
    const shops = []
    for (let n = 0; n < 4; n++) shops.push(await prepareShardMerchant(client))
    await shardRouter.load()
    const before = new Map<number, unknown>()
    for (const shop of shops) {
      const shard = shop.merchant.shardId
      before.set(shard, await digests(shardRouter.connectionForShard(shard), shard))
    }
    const mover = new ShardMover(shardRouter, { nodeUrls, controlUrl: env.get('DATABASE_URL') })
    const rebalancer = new ShardRebalancer(shardRouter, mover, nodeUrls)

    for (const node of ['node1', 'node2']) {
      const moves = await rebalancer.planDrain(node, 'by_shard_count')
      assert.deepEqual(
        moves.map((move) => move.shard).sort((a, b) => a - b),
        shardRouter.shardsOn(node).sort((a, b) => a - b)
      )
      await rebalancer.setAccepting(node, false)
      await rebalancer.run(moves, 'test: drain')
      assert.lengthOf(shardRouter.shardsOn(node), 0)
      assert.equal(await tenantRows(node), 0)
      assert.deepEqual(await leftovers(node), NOTHING_LEFT)
    }
    assert.deepEqual(shardsPerNode(), { node0: 16, node1: 0, node2: 0 })
    // Drained nodes take nothing from a rebalance until they are let back in.
    assert.deepEqual(await rebalancer.planRebalance('by_shard_count'), [])

    await rebalancer.setAccepting('node1', true)
    await rebalancer.setAccepting('node2', true)
    const plan = await rebalancer.planRebalance('by_shard_count')
    assert.lengthOf(plan, 10)
    assert.isTrue(plan.every((move) => move.from === 'node0'))
    await rebalancer.run(plan, 'test: rebalance')
    await shardRouter.load()
    assert.deepEqual(Object.values(shardsPerNode()).sort(), [5, 5, 6])

    for (const shop of shops) {
      const shard = shop.merchant.shardId
      assert.deepEqual(
        await digests(shardRouter.connectionForShard(shard), shard),
        before.get(shard)
      )
      const menu = await client.get(`/api/v1/menus/${shop.merchant.slug}`)
      menu.assertStatus(200)
    }
    for (const node of shardNodes) {
      assert.deepEqual(await leftovers(node.name), NOTHING_LEFT, `${node.name} keeps move objects`)
    }
  }).timeout(600_000)
})
