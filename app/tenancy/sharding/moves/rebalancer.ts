import db from '@adonisjs/lucid/services/db'
import { NodeLink, ident } from '#tenancy/sharding/moves/node_link'
import { tenantTables } from '#tenancy/sharding/moves/shard_tables'
import {
  planDrain,
  planRebalance,
  type PlannedMove,
  type RebalanceStrategy,
  type ShardPlacement,
} from '#tenancy/sharding/moves/rebalance_plan'
import type { ShardMover } from '#tenancy/sharding/moves/shard_mover'
import type { ShardRouter } from '#tenancy/sharding/shard_router'

/**
 * shards:rebalance and shards:drain: weighs the shards, plans (rebalance_plan.ts) and runs the moves one
 * at a time, each completed before the next starts. A move left active by a crash is finished first, so
 * the command run again goes on from where it stopped.
 */
export class ShardRebalancer {
  constructor(
    readonly router: ShardRouter,
    readonly mover: ShardMover,
    readonly nodeUrls: Record<string, string>
  ) {}

  /** Every shard with its node and weight under `strategy`. */
  async placements(strategy: RebalanceStrategy): Promise<ShardPlacement[]> {
    await this.router.load()
    const weights = new Map<number, number>()
    if (strategy !== 'by_shard_count') {
      for (const node of this.router.nodes()) {
        const owned = new Set(this.router.shardsOn(node))
        const link = new NodeLink(node, this.nodeUrls[node])
        try {
          for (const table of await tenantTables(link)) {
            const rows = await link.query<{ shard_id: number; weight: string }>(
              `SELECT shard_id, ${strategy === 'by_row_count' ? 'count(*)' : 'sum(pg_column_size(t.*))'}::text AS weight
               FROM ${ident(table.name)} t WHERE shard_id IS NOT NULL GROUP BY shard_id`
            )
            for (const row of rows)
              if (owned.has(row.shard_id))
                weights.set(row.shard_id, (weights.get(row.shard_id) ?? 0) + Number(row.weight))
          }
        } finally {
          await link.close()
        }
      }
    }
    return this.router.snapshot().map(({ shardId, connection }) => ({
      shard: shardId,
      node: connection,
      weight: strategy === 'by_shard_count' ? 1 : (weights.get(shardId) ?? 0),
    }))
  }

  acceptingNodes(): Promise<string[]> {
    return acceptingNodes(this.router)
  }

  /**
   * A dedicated shard (shards:isolate) stays where it is, and a node that holds only dedicated shards (or is
   * the target of an isolation under way) takes no other shard: rebalancing sees only the hash shards and
   * the other nodes. While an isolation is under way its dedicated shard still shares the merchant's node,
   * which stays an ordinary node.
   */
  async #dedicated(placements: ShardPlacement[]) {
    const count = this.router.shardCount
    const nodes = await reservedNodes()
    for (const node of new Set(placements.map((placement) => placement.node))) {
      const held = placements.filter((placement) => placement.node === node)
      if (held.every((placement) => placement.shard >= count)) nodes.add(node)
    }
    return { nodes, shared: placements.filter((placement) => placement.shard < count) }
  }

  async planRebalance(strategy: RebalanceStrategy): Promise<PlannedMove[]> {
    await this.finishActive()
    const all = await this.placements(strategy)
    const dedicated = await this.#dedicated(all)
    const accepting = await this.acceptingNodes()
    const nodes = accepting.filter((node) => !dedicated.nodes.has(node))
    const placements = dedicated.shared
    // Shards on a drained node go first (to accepting nodes), then the accepting nodes are evened out.
    const drains = placements
      .filter((placement) => !nodes.includes(placement.node))
      .map((placement) => placement.node)
    const moves: PlannedMove[] = []
    let current = placements
    for (const node of new Set(drains)) {
      const drained = planDrain(current, [...nodes, node], node)
      moves.push(...drained)
      current = applyMoves(current, drained)
    }
    return [...moves, ...planRebalance(current, nodes)]
  }

  /** Marks the node drained (rebalance gives it nothing) and plans moving every shard off it. */
  async planDrain(node: string, strategy: RebalanceStrategy): Promise<PlannedMove[]> {
    if (!this.router.nodes().includes(node)) throw new Error(`"${node}" is not a shard node`)
    await this.finishActive()
    const placements = await this.placements(strategy)
    const { nodes: dedicated } = await this.#dedicated(placements)
    const accepting = await this.acceptingNodes()
    const nodes = accepting.filter((name) => name !== node && !dedicated.has(name))
    return planDrain(placements, [...nodes, node], node)
  }

  async setAccepting(node: string, accepts: boolean) {
    await db.connection('control').rawQuery(
      `INSERT INTO shard_nodes (name, accepts_shards) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET accepts_shards = EXCLUDED.accepts_shards, updated_at = now()`,
      [node, accepts]
    )
  }

  /** Runs the moves one by one, each completed (its old copy removed) before the next. */
  async run(
    moves: PlannedMove[],
    reason: string,
    onMove?: (move: PlannedMove, index: number) => void
  ) {
    for (const [index, move] of moves.entries()) {
      onMove?.(move, index)
      await this.mover.move(move.shard, move.to, reason)
      await this.mover.complete(move.shard)
    }
  }

  /** A move a crash left active: carried through to its end (or its rollback, if one had started). */
  async finishActive() {
    const active = await this.mover.active()
    if (!active) return
    if (active.step === 'rolling_back') await this.mover.rollback(active.shard_id)
    else {
      if (active.step !== 'switched' && active.step !== 'completing')
        await this.mover.move(active.shard_id, active.target)
      await this.mover.complete(active.shard_id)
    }
  }
}

function applyMoves(placements: ShardPlacement[], moves: PlannedMove[]): ShardPlacement[] {
  const to = new Map(moves.map((move) => [move.shard, move.to]))
  return placements.map((placement) => ({
    ...placement,
    node: to.get(placement.shard) ?? placement.node,
  }))
}

/** Nodes that take shards: known to the router, and not drained. */
export async function acceptingNodes(router: ShardRouter): Promise<string[]> {
  const drained = await db
    .connection('control')
    .from('shard_nodes')
    .where('accepts_shards', false)
    .select('name')
  const refused = new Set(drained.map((row) => row.name as string))
  return router.nodes().filter((node) => !refused.has(node))
}

/** Targets of isolations under way (shards:isolate): kept empty for their merchant. */
export async function reservedNodes(): Promise<Set<string>> {
  const rows = await db
    .connection('control')
    .from('merchant_isolations')
    .whereNot('step', 'done')
    .select('target')
  return new Set(rows.map((row) => row.target as string))
}
