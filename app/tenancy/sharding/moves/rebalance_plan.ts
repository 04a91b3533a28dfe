/**
 * Plans shard moves that even out the nodes (shards:rebalance) or empty one (shards:drain). Pure: the
 * weights come from the caller (shard_weights.ts), the moves are run one at a time by the rebalancer.
 */
export const REBALANCE_STRATEGIES = ['by_shard_count', 'by_row_count', 'by_disk_size'] as const
export type RebalanceStrategy = (typeof REBALANCE_STRATEGIES)[number]

export type ShardPlacement = { shard: number; node: string; weight: number }
export type PlannedMove = { shard: number; from: string; to: string; weight: number }

function loads(placements: ShardPlacement[], nodes: readonly string[]) {
  const load = new Map(nodes.map((node) => [node, 0]))
  for (const { node, weight } of placements) load.set(node, (load.get(node) ?? 0) + weight)
  return load
}

function lightest(load: Map<string, number>, among: readonly string[]) {
  return among.reduce((best, node) => (load.get(node)! < load.get(best)! ? node : best))
}

/**
 * Greedy, like Citus's rebalancer: while moving a shard from a heavier node to the lightest brings the
 * two closer, move the shard that closes most of the gap (each move lowers the sum of squared loads, so
 * the loop ends). By shard count every weight is 1, so the
 * nodes end at most one shard apart. `nodes` are every node that may hold shards.
 */
export function planRebalance(
  placements: ShardPlacement[],
  nodes: readonly string[]
): PlannedMove[] {
  const current = placements.map((placement) => ({ ...placement }))
  const load = loads(current, nodes)
  const moves: PlannedMove[] = []
  for (let guard = 0; guard < current.length * nodes.length; guard++) {
    const light = lightest(load, nodes)
    // From the heaviest node that has a shard worth moving: a shard of weight w narrows the gap only if
    // w < gap, and the best is the one nearest gap / 2.
    const donors = [...nodes].sort((a, b) => load.get(b)! - load.get(a)!)
    let chosen: (typeof current)[number] | undefined
    for (const donor of donors) {
      const gap = load.get(donor)! - load.get(light)!
      const candidates = current.filter(
        (placement) => placement.node === donor && placement.weight > 0 && placement.weight < gap
      )
      if (candidates.length === 0) continue
      chosen = candidates.reduce((best, placement) =>
        Math.abs(placement.weight - gap / 2) < Math.abs(best.weight - gap / 2) ? placement : best
      )
      break
    }
    if (!chosen) break
    moves.push({ shard: chosen.shard, from: chosen.node, to: light, weight: chosen.weight })
    load.set(chosen.node, load.get(chosen.node)! - chosen.weight)
    load.set(light, load.get(light)! + chosen.weight)
    chosen.node = light
  }
  return moves
}

/** Every shard of `node` to the other nodes, heaviest first, each to the lightest at that point. */
export function planDrain(
  placements: ShardPlacement[],
  nodes: readonly string[],
  node: string
): PlannedMove[] {
  const others = nodes.filter((name) => name !== node)
  if (others.length === 0) throw new Error(`${node} is the only node: there is nowhere to drain to`)
  const load = loads(
    placements.filter((placement) => placement.node !== node),
    others
  )
  return placements
    .filter((placement) => placement.node === node)
    .sort((a, b) => b.weight - a.weight || a.shard - b.shard)
    .map((placement) => {
      const to = lightest(load, others)
      load.set(to, load.get(to)! + placement.weight)
      return { shard: placement.shard, from: node, to, weight: placement.weight }
    })
}
