import type { HttpContext } from '@adonisjs/core/http'
import { planOperation, queueOperation, shardStatus } from '#tenancy/services/shard_operations'
import {
  shardMoveEndValidator,
  shardMoveValidator,
  shardPlanValidator,
} from '#tenancy/validators/shard_validators'
import { ShardMoveInvalidException } from '#tenancy/sharding/moves/shard_move_exceptions'

/**
 * Platform support's shard operations (`gudbro shards ...`). Moves run in a queue job, one at a time;
 * 202 means queued, and the status shows the move's step, figures and error as it goes.
 */
export default class AdminShardsController {
  async show({ response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return { data: await shardStatus() }
  }

  async move({ request, response, auditActor }: HttpContext) {
    const { shard, node, reason } = await request.validateUsing(shardMoveValidator)
    await queueOperation({ operation: 'move', shard, node, reason }, auditActor?.id ?? null)
    return response.accepted({ data: { operation: 'move', shard, node, status: 'queued' } })
  }

  async end({ request, response, params, auditActor }: HttpContext) {
    const { reason } = await request.validateUsing(shardMoveEndValidator)
    const shard = Number(params.shard)
    if (!Number.isInteger(shard)) throw new ShardMoveInvalidException({ field: 'shard' })
    const operation = params.end as 'complete' | 'rollback'
    await queueOperation({ operation, shard, reason }, auditActor?.id ?? null)
    return response.accepted({ data: { operation, shard, status: 'queued' } })
  }

  async rebalance({ request, response, auditActor }: HttpContext) {
    const input = await request.validateUsing(shardPlanValidator)
    const operation = {
      operation: 'rebalance' as const,
      strategy: input.strategy ?? 'by_shard_count',
      reason: input.reason,
    }
    if (input.dry_run) return { data: { plan: await planOperation(operation), status: 'planned' } }
    const { plan } = await queueOperation(operation, auditActor?.id ?? null)
    return response.accepted({ data: { plan, status: 'queued' } })
  }

  async drain({ request, response, params, auditActor }: HttpContext) {
    const input = await request.validateUsing(shardPlanValidator)
    const operation = {
      operation: 'drain' as const,
      node: String(params.node),
      strategy: input.strategy ?? 'by_shard_count',
      reason: input.reason,
    }
    if (input.dry_run) return { data: { plan: await planOperation(operation), status: 'planned' } }
    const { plan } = await queueOperation(operation, auditActor?.id ?? null)
    return response.accepted({ data: { plan, status: 'queued' } })
  }
}
