import { test } from '@japa/runner'
import {
  planDrain,
  planRebalance,
  type PlannedMove,
  type ShardPlacement,
} from '#tenancy/sharding/moves/rebalance_plan'

const NODES = ['node0', 'node1', 'node2']

function allOn(node: string, weight = (_shard: number) => 1): ShardPlacement[] {
  return Array.from({ length: 16 }, (_, shard) => ({ shard, node, weight: weight(shard) }))
}

function after(placements: ShardPlacement[], moves: PlannedMove[]) {
  const load: Record<string, number> = Object.fromEntries(NODES.map((node) => [node, 0]))
  const to = new Map(moves.map((move) => [move.shard, move.to]))
  for (const placement of placements)
    load[to.get(placement.shard) ?? placement.node] += placement.weight
  return load
}

test.group('Rebalance plans', () => {
  test('16 shards on one node spread by count over three: 6, 5, 5 in ten moves', ({ assert }) => {
    const placements = allOn('node0')
    const moves = planRebalance(placements, NODES)
    assert.lengthOf(moves, 10)
    assert.deepEqual(after(placements, moves), { node0: 6, node1: 5, node2: 5 })
    assert.isTrue(moves.every((move) => move.from === 'node0'))
    assert.lengthOf(new Set(moves.map((move) => move.shard)), 10, 'no shard moves twice')
  })

  test('an even placement plans nothing', ({ assert }) => {
    const placements = allOn('node0').map((p) => ({ ...p, node: NODES[p.shard % 3] }))
    assert.deepEqual(planRebalance(placements, NODES), [])
  })

  test('by weight: a shard as heavy as all the others ends alone, the rest split evenly', ({
    assert,
  }) => {
    const placements = allOn('node0', (shard) => (shard === 0 ? 150 : 10))
    const moves = planRebalance(placements, NODES)
    const to = new Map(moves.map((move) => [move.shard, move.to]))
    const heavyNode = to.get(0) ?? 'node0'
    const load = after(placements, moves)
    assert.equal(load[heavyNode], 150, 'the heavy shard alone on its node')
    const others = NODES.filter((node) => node !== heavyNode).map((node) => load[node])
    assert.isAtMost(Math.abs(others[0] - others[1]), 10)
  })

  test('a drain moves every shard of the node, heaviest first, to the lightest others', ({
    assert,
  }) => {
    const placements = allOn('node0').map((p) => ({
      ...p,
      node: p.shard < 8 ? 'node0' : 'node1',
      weight: p.shard + 1,
    }))
    const moves = planDrain(placements, NODES, 'node1')
    assert.deepEqual(
      moves.map((move) => move.shard),
      [15, 14, 13, 12, 11, 10, 9, 8]
    )
    assert.isTrue(moves.every((move) => move.from === 'node1' && move.to !== 'node1'))
    const load = after(placements, moves)
    assert.equal(load.node1, 0)
    assert.isAtMost(Math.abs(load.node0 - load.node2), 16)
    assert.throws(() => planDrain(allOn('node0'), ['node0'], 'node0'), /nowhere to drain/)
  })
})
