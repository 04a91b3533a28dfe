import { test } from '@japa/runner'
import { shardNodes } from '#config/database'
import { shardRouter } from '#tenancy/index'
import { NodeLink } from '#tenancy/sharding/moves/node_link'
import { shardDigest, tenantTables } from '#tenancy/sharding/moves/shard_tables'
import { prepareShardMerchant } from '#tests/shard_moves/shard_load'
import { ace } from '#tests/support/child_process'

/** `node ace shards:move ...`; SHARD_MOVE_CRASH_AT makes it SIGKILL itself at that step. */
function shardsMove(args: string[], crashAt?: string) {
  return ace(['shards:move', ...args], { SHARD_MOVE_CRASH_AT: crashAt ?? '' })
}

async function digests(node: string, shard: number) {
  const link = new NodeLink(node, shardNodes.find((n) => n.name === node)!.url)
  try {
    const result: Record<string, unknown> = {}
    for (const table of await tenantTables(link))
      if (table.name !== 'shard_move_markers')
        result[table.name] = await shardDigest(link, table, shard)
    return result
  } finally {
    await link.close()
  }
}

async function leftovers(node: string) {
  const link = new NodeLink(node, shardNodes.find((n) => n.name === node)!.url)
  try {
    return await link.one(`SELECT
      (SELECT count(*)::int FROM pg_publication) + (SELECT count(*)::int FROM pg_subscription)
      + (SELECT count(*)::int FROM pg_replication_slots) + (SELECT count(*)::int FROM shard_fences)
      + (SELECT count(*)::int FROM pg_trigger WHERE tgname LIKE 'shard_fence%')
      + (SELECT count(*)::int FROM pg_class WHERE relreplident = 'f') AS objects`)
  } finally {
    await link.close()
  }
}

/**
 * [the step the first run dies at, the command whose run dies there, how the move ends]. Steps report
 * as they finish their work (the fence's as it goes up; verify's with the fence up).
 */
const CASES: Array<[string, 'move' | 'complete' | 'rollback', 'complete' | 'rollback']> = [
  ['prepare', 'move', 'rollback'],
  ['copy', 'move', 'complete'],
  ['catch_up', 'move', 'rollback'],
  ['fence', 'move', 'complete'],
  ['verify', 'move', 'rollback'],
  ['completing', 'complete', 'complete'],
  ['rolling_back', 'rollback', 'rollback'],
]

test.group('Shard moves killed at each step', () => {
  for (const [step, killed, ending] of CASES) {
    test(`killed at ${step} (${killed}), run again, then ${ending}`, async ({ client, assert }) => {
      const shop = await prepareShardMerchant(client)
      const shard = shop.merchant.shardId
      await shardRouter.load()
      const source = shardRouter.connectionForShard(shard)
      const target = shardNodes.find((node) => node.name !== source)!.name
      const before = await digests(source, shard)

      const moveArgs = [String(shard), target]
      if (killed !== 'move') {
        const switched = await shardsMove(moveArgs)
        assert.equal(switched.code, 0, switched.stdout + switched.stderr)
      }
      const args = killed === 'move' ? moveArgs : [String(shard), `--${killed}`]
      const crashed = await shardsMove(args, step)
      assert.equal(crashed.signal, 'SIGKILL', crashed.stdout + crashed.stderr)
      const again = await shardsMove(args)
      assert.equal(again.code, 0, again.stdout + again.stderr)
      if (killed === 'move') {
        const ended = await shardsMove([String(shard), `--${ending}`])
        assert.equal(ended.code, 0, ended.stdout + ended.stderr)
      }

      await shardRouter.load()
      const owner = ending === 'complete' ? target : source
      const other = owner === source ? target : source
      assert.equal(shardRouter.connectionForShard(shard), owner)
      assert.deepEqual(await digests(owner, shard), before)
      for (const [table, digest] of Object.entries(await digests(other, shard)))
        assert.equal((digest as { rows: number }).rows, 0, `${table} on ${other}`)
      assert.deepEqual(await leftovers(source), { objects: 0 })
      assert.deepEqual(await leftovers(target), { objects: 0 })
    }).timeout(120_000)
  }
})
