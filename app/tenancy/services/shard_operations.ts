import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { runWithActor } from '#core/database/actor_context'
import { dispatch } from '#core/queue/dispatcher'
import { shardRouter } from '#tenancy/services/shards'
import { ShardMover, type MoveProgress } from '#tenancy/sharding/moves/shard_mover'
import { ShardRebalancer } from '#tenancy/sharding/moves/rebalancer'
import { MerchantIsolator } from '#tenancy/sharding/moves/merchant_isolator'
import {
  REBALANCE_STRATEGIES,
  type PlannedMove,
  type RebalanceStrategy,
} from '#tenancy/sharding/moves/rebalance_plan'
import { ShardMoveInvalidException } from '#tenancy/sharding/moves/shard_move_exceptions'
import { nodeUrls as knownNodeUrls } from '#tenancy/sharding/node_registry'

/**
 * The mover, rebalancer and isolator over the declared and registered nodes: for the shards:* commands
 * and the admin API's job. The URLs are the registry's own record, which the router's load() keeps current.
 */
export function shardTools(report?: (progress: MoveProgress) => void) {
  const nodeUrls = knownNodeUrls()
  const mover = new ShardMover(shardRouter, {
    nodeUrls,
    controlUrl: env.get('DATABASE_URL'),
    report,
  })
  return {
    router: shardRouter,
    mover,
    rebalancer: new ShardRebalancer(shardRouter, mover, nodeUrls),
    isolator: new MerchantIsolator(shardRouter, mover, nodeUrls, report),
  }
}

export type ShardOperation =
  | { operation: 'move'; shard: number; node: string; reason: string }
  | { operation: 'complete' | 'rollback'; shard: number; reason: string }
  | { operation: 'rebalance'; strategy: RebalanceStrategy; reason: string }
  | { operation: 'drain'; node: string; strategy: RebalanceStrategy; reason: string }

/** Where every shard lives, the nodes, the active move and the last ones (newest first). */
export async function shardStatus() {
  await shardRouter.load()
  const control = db.connection('control')
  const [merchants, drained, moves] = await Promise.all([
    control.from('merchants').select('shard_id').count('* as n').groupBy('shard_id'),
    control.from('shard_nodes').where('accepts_shards', false).select('name'),
    control.from('shard_moves').orderBy('created_at', 'desc').limit(10),
  ])
  const perShard = new Map(merchants.map((row) => [Number(row.shard_id), Number(row.n)]))
  const refused = new Set(drained.map((row) => row.name as string))
  return {
    version: shardRouter.version,
    nodes: shardRouter.nodes().map((name) => ({
      name,
      shards: shardRouter.shardsOn(name).length,
      accepts_shards: !refused.has(name),
    })),
    shards: shardRouter.snapshot().map(({ shardId, connection }) => ({
      shard_id: shardId,
      node: connection,
      merchants: perShard.get(shardId) ?? 0,
      dedicated: shardId >= shardRouter.shardCount,
    })),
    active_move: moves.find((move) => move.state === 'active') ?? null,
    recent_moves: moves,
  }
}

/** Plans a rebalance or a drain (what --dry-run shows, and what the job then runs). */
export async function planOperation(
  operation: Extract<ShardOperation, { operation: 'rebalance' | 'drain' }>
): Promise<PlannedMove[]> {
  if (!REBALANCE_STRATEGIES.includes(operation.strategy))
    throw new ShardMoveInvalidException(`no strategy "${operation.strategy}"`, {
      field: 'strategy',
    })
  const { rebalancer } = shardTools()
  if (operation.operation === 'rebalance') return rebalancer.planRebalance(operation.strategy)
  if (!shardRouter.nodes().includes(operation.node))
    throw new ShardMoveInvalidException(`"${operation.node}" is not a shard node`, {
      field: 'node',
    })
  return rebalancer.planDrain(operation.node, operation.strategy)
}

/** Refuses what cannot start now (the same checks the run makes), then queues the operation. */
export async function queueOperation(operation: ShardOperation, actorId: string | null) {
  const { mover } = shardTools()
  if (operation.operation === 'move') await mover.check(operation.shard, operation.node)
  else if (operation.operation === 'complete' || operation.operation === 'rollback')
    await mover.checkEnd(operation.shard, operation.operation)
  const plan =
    operation.operation === 'rebalance' || operation.operation === 'drain'
      ? await planOperation(operation)
      : null
  const { default: ShardOperationJob } = await import('#tenancy/jobs/shard_operation_job')
  // One attempt: a failed move keeps its step and error for the operator; a worker that dies mid-move
  // has its job run again by BullMQ's stalled-job check, and the move resumes.
  await dispatch(ShardOperationJob, { merchantId: null, operation, actorId }, { attempts: 1 })
  return { plan }
}

/** The job's work: the operation as support asked for it, audited under their name and reason. */
export async function runOperation(operation: ShardOperation, actorId: string | null) {
  const actor = { id: actorId, type: 'support' as const, reason: operation.reason }
  return runWithActor(actor, async () => {
    const { mover, rebalancer } = shardTools()
    switch (operation.operation) {
      case 'move':
        return void (await mover.move(operation.shard, operation.node, operation.reason))
      case 'complete':
        return void (await mover.complete(operation.shard))
      case 'rollback':
        return void (await mover.rollback(operation.shard))
      case 'drain':
        await rebalancer.setAccepting(operation.node, false)
        return rebalancer.run(await planOperation(operation), operation.reason)
      case 'rebalance':
        return rebalancer.run(await planOperation(operation), operation.reason)
    }
  })
}
