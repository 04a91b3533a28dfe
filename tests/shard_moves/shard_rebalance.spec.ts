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
import {
  assertAcknowledgedOn,
  prepareShardMerchant,
  underLoad,
} from '#tests/shard_moves/shard_load'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { merchantTables } from '#tenancy/sharding/moves/dedicated_guards'
import { createMerchantWithToken } from '#tests/support/merchants'
import { buildMenu, createSlot } from '#tests/functional/orders/orders_helpers'
import { ace } from '#tests/support/child_process'

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

/** A merchant (menu, slot) on the hash shard `shard`: fresh merchants until one lands there. */
async function merchantOnShard(client: ApiClient, shard: number) {
  for (let attempt = 0; attempt < 300; attempt++) {
    const shop = await createMerchantWithToken()
    if (shop.merchant.shardId !== shard) continue
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 10_000 })
    return { ...shop, menu, slot }
  }
  throw new Error(`no merchant on shard ${shard} in 300 tries`)
}

/** The merchant's rows on a node, by shard (every table with merchant_id and shard_id). */
function merchantRowsByShard(node: string, merchantId: string) {
  return withNode(node, async (session) => {
    const byShard: Record<number, number> = {}
    for (const table of await merchantTables(session)) {
      const rows = await session.query<{ shard_id: number; n: number }>(
        `SELECT shard_id, count(*)::int AS n FROM "${table.name}" WHERE merchant_id = $1 GROUP BY 1`,
        [merchantId]
      )
      for (const row of rows) byShard[row.shard_id] = (byShard[row.shard_id] ?? 0) + row.n
    }
    return byShard
  })
}

test.group('Isolating a merchant', () => {
  test('a merchant gets a shard and a node of its own while it and a neighbour on its shard keep writing', async ({
    client,
    assert,
  }) => {
    const big = await prepareShardMerchant(client)
    const shard = big.merchant.shardId
    const neighbour = await merchantOnShard(client, shard)
    await shardRouter.load()
    const home = shardRouter.connectionForShard(shard)
    const mover = new ShardMover(shardRouter, { nodeUrls, controlUrl: env.get('DATABASE_URL') })
    const rebalancer = new ShardRebalancer(shardRouter, mover, nodeUrls)

    // Refused while no node is empty, and for a merchant that does not exist.
    const full = await ace(['shards:isolate', big.merchant.slug])
    assert.equal(full.code, 1)
    assert.match(full.stdout + full.stderr, /no node is empty/)
    const unknown = await ace(['shards:isolate', 'no-such-shop'])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stdout + unknown.stderr, /no merchant "no-such-shop"/)

    // An empty node: drained, then let to take shards again.
    const empty = shardNodes.map((node) => node.name).find((name) => name !== home)!
    await rebalancer.setAccepting(empty, false)
    await rebalancer.run(await rebalancer.planDrain(empty, 'by_shard_count'), 'test: empty a node')
    await rebalancer.setAccepting(empty, true)
    const busy = await ace(['shards:isolate', big.merchant.slug, '--node', home])
    assert.equal(busy.code, 1)
    assert.match(busy.stdout + busy.stderr, /holds shards/)

    let isolated: Awaited<ReturnType<typeof ace>> | undefined
    const reports = await underLoad(client, { moving: big, other: neighbour }, async () => {
      isolated = await ace(['shards:isolate', big.merchant.slug, '--reason', 'test: isolate'])
    })
    assert.equal(isolated!.code, 0, isolated!.stdout + isolated!.stderr)
    assert.deepEqual(reports.moving.errors, [], 'writes of the isolated merchant')
    assert.isAbove(reports.moving.writes, 50)
    assert.deepEqual(reports.other.errors, [], 'writes of its neighbour')
    assert.equal(reports.other.retried, 0, 'the neighbour never paused')

    const isolation = await db
      .connection('control')
      .from('merchant_isolations')
      .where('merchant_id', big.merchant.id)
      .first()
    assert.include(isolation, { step: 'done', target: empty, hash_shard: shard })
    const dedicated = Number(isolation.shard_id)
    assert.isAtLeast(dedicated, 16)
    await shardRouter.load()
    assert.deepEqual(shardRouter.shardsOn(empty), [dedicated])
    const directory = await db
      .connection('control')
      .from('merchants')
      .where('id', big.merchant.id)
      .first()
    assert.equal(directory.shard_id, dedicated)

    // Every acknowledged write is where it belongs; the merchant's rows are on its node alone.
    await assertAcknowledgedOn(assert, empty, reports.moving)
    await assertAcknowledgedOn(assert, home, reports.other)
    for (const node of shardNodes) {
      const rows = await merchantRowsByShard(node.name, big.merchant.id)
      if (node.name === empty) {
        assert.deepEqual(Object.keys(rows), [String(dedicated)])
        assert.isAbove(rows[dedicated], 0)
      } else assert.deepEqual(rows, {}, `${node.name} keeps rows of the isolated merchant`)
    }
    assert.deepEqual(Object.keys(await merchantRowsByShard(home, neighbour.merchant.id)), [
      String(shard),
    ])

    // The merchant's screens answer from its new node.
    const menu = await client.get(`/api/v1/menus/${big.merchant.slug}`)
    menu.assertStatus(200)
    const orders = await client.get('/api/v1/orders').bearerToken(big.token)
    orders.assertStatus(200)

    // A row of the merchant under its old shard is refused on every node; one without a shard gets the new one.
    for (const node of shardNodes) {
      const error = await withNode(node.name, (session) =>
        session.query(
          `INSERT INTO analytics_events (merchant_id, shard_id, session_id, event_type) VALUES ($1, $2, 'stale', 'page_view')`,
          [big.merchant.id, shard]
        )
      ).catch((caught: { code?: string }) => caught)
      assert.equal((error as { code?: string }).code, 'GB504', node.name)
    }
    const filled = await withNode(empty, (session) =>
      session.one<{ shard_id: number }>(
        `INSERT INTO analytics_events (merchant_id, session_id, event_type) VALUES ($1, 'unset', 'page_view') RETURNING shard_id`,
        [big.merchant.id]
      )
    )
    assert.equal(filled.shard_id, dedicated)

    // Rebalancing leaves the dedicated shard and its node alone; running the command again changes nothing.
    const plan = await rebalancer.planRebalance('by_shard_count')
    assert.isFalse(plan.some((move) => move.shard === dedicated || move.to === empty))
    const again = await ace(['shards:isolate', big.merchant.id])
    assert.equal(again.code, 1)
    assert.match(
      again.stdout + again.stderr,
      new RegExp(`already has shard ${dedicated} to itself`)
    )
    for (const node of shardNodes)
      assert.deepEqual(await leftovers(node.name), NOTHING_LEFT, `${node.name} keeps move objects`)
  }).timeout(600_000)

  test('killed while relabelling, then while copying: run again, the isolation finishes', async ({
    client,
    assert,
  }) => {
    const shop = await prepareShardMerchant(client)
    await shardRouter.load()
    const home = shardRouter.connectionForShard(shop.merchant.shardId)
    const taken = new Set(
      shardRouter
        .snapshot()
        .filter(({ shardId }) => shardId >= 16)
        .map(({ connection }) => connection)
    )
    const spare = shardNodes.map((node) => node.name).find((n) => n !== home && !taken.has(n))!
    const mover = new ShardMover(shardRouter, { nodeUrls, controlUrl: env.get('DATABASE_URL') })
    const rebalancer = new ShardRebalancer(shardRouter, mover, nodeUrls)
    await rebalancer.setAccepting(spare, false)
    await rebalancer.run(await rebalancer.planDrain(spare, 'by_shard_count'), 'test: empty a node')
    await rebalancer.setAccepting(spare, true)
    const before = await merchantRowsByShard(home, shop.merchant.id)

    for (const step of ['split', 'catch_up']) {
      const killed = await ace(['shards:isolate', shop.merchant.slug], {
        SHARD_MOVE_CRASH_AT: step,
      })
      assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr)
      // Half relabelled, the merchant's old shard stays where its relabelled rows are.
      if (step === 'split') {
        await assert.rejects(() => mover.check(shop.merchant.shardId, spare), /being isolated/)
        const { shard_id: dedicated } = await db
          .connection('control')
          .from('merchant_isolations')
          .where('merchant_id', shop.merchant.id)
          .first()
        await assert.rejects(() => mover.check(dedicated, spare), /being isolated/)
      }
    }
    const finished = await ace(['shards:isolate', shop.merchant.slug])
    assert.equal(finished.code, 0, finished.stdout + finished.stderr)

    const isolation = await db
      .connection('control')
      .from('merchant_isolations')
      .where('merchant_id', shop.merchant.id)
      .first()
    assert.include(isolation, { step: 'done', target: spare })
    const dedicated = Number(isolation.shard_id)
    assert.deepEqual(await merchantRowsByShard(spare, shop.merchant.id), {
      [dedicated]: before[shop.merchant.shardId],
    })
    assert.deepEqual(await merchantRowsByShard(home, shop.merchant.id), {})
    for (const node of shardNodes)
      assert.deepEqual(await leftovers(node.name), NOTHING_LEFT, `${node.name} keeps move objects`)
    const menu = await client.get(`/api/v1/menus/${shop.merchant.slug}`)
    menu.assertStatus(200)
  }).timeout(600_000)
})
