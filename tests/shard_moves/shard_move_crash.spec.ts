import { test } from '@japa/runner'
import { shardNodes } from '#config/database'
import { shardRouter } from '#tenancy/index'
import { leftovers, NOTHING_LEFT, shardDigests as digests } from '#tests/shard_moves/shard_checks'
import { prepareShardMerchant } from '#tests/shard_moves/shard_load'
import { ace } from '#tests/support/child_process'

/** `node ace shards:move ...`; SHARD_MOVE_CRASH_AT makes it SIGKILL itself at that step. */
function shardsMove(args: string[], crashAt?: string) {
  return ace(['shards:move', ...args], { SHARD_MOVE_CRASH_AT: crashAt ?? '' })
}

/**
 * [the step the first run dies at, the command whose run dies there, how the move ends]. Steps report
 * as they finish their work (the fence's as it goes up; verify's as it starts comparing).
 */
const CASES: Array<[string, 'move' | 'complete' | 'rollback', 'complete' | 'rollback']> = [
  ['prepare', 'move', 'rollback'],
  ['copy', 'move', 'complete'],
  ['catch_up', 'move', 'rollback'],
  ['verify', 'move', 'rollback'],
  ['fence', 'move', 'complete'],
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
        assert.equal(digest.rows, 0, `${table} on ${other}`)
      assert.deepEqual(await leftovers(source), NOTHING_LEFT)
      assert.deepEqual(await leftovers(target), NOTHING_LEFT)
    }).timeout(120_000)
  }
})
