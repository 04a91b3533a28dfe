import db from '@adonisjs/lucid/services/db'
import { activeShardMove } from '#tenancy/sharding/moves/active_move'
import {
  ShardMoveInvalidException,
  ShardMoveRefusedException,
} from '#tenancy/sharding/moves/shard_move_exceptions'
import type { MoveRecord } from '#tenancy/sharding/moves/shard_mover'
import type { ShardRouter } from '#tenancy/sharding/shard_router'

/**
 * The rules a shard move's start and end obey (app/tenancy/sharding/moves/shard_mover.ts asks, and the
 * admin API before it queues one): the move it would resume, or a refusal that says what to do.
 */
export async function admitMove(
  router: ShardRouter,
  nodeUrls: Readonly<Record<string, string>>,
  shard: number,
  target: string
): Promise<MoveRecord | null> {
  if (
    !Number.isInteger(shard) ||
    shard < 0 ||
    (shard >= router.shardCount && !router.isMapped(shard))
  )
    throw new ShardMoveInvalidException(
      `shard must be 0 to ${router.shardCount - 1} or a dedicated shard, not ${shard}`,
      { field: 'shard' }
    )
  if (!nodeUrls[target])
    throw new ShardMoveInvalidException(`"${target}" is not a shard node`, { field: 'node' })
  const move = await activeShardMove()
  if (move && (move.shard_id !== shard || move.target !== target))
    throw new ShardMoveRefusedException(
      `shard ${move.shard_id} is moving from ${move.source} to ${move.target} (step ${move.step}): ` +
        `finish it with --complete or --rollback first`
    )
  if (move?.step === 'rolling_back' || move?.step === 'completing')
    throw new ShardMoveRefusedException(
      `the move of shard ${shard} is ${move.step.replace('_', ' ')}: run that again to finish it`
    )
  if (!move && router.connectionForShard(shard) === target)
    throw new ShardMoveRefusedException(`shard ${shard} is already on ${target}`)
  // A merchant half relabelled out of this shard (or into it) would leave rows behind.
  const splitting = await db
    .connection('control')
    .from('merchant_isolations')
    .where('step', 'split')
    .where((query) => query.where('hash_shard', shard).orWhere('shard_id', shard))
    .first()
  if (splitting)
    throw new ShardMoveRefusedException(
      `merchant ${splitting.merchant_id} is being isolated out of shard ${shard}: ` +
        `run "node ace shards:isolate ${splitting.merchant_id}" again to finish that first`
    )
  return move
}

export async function admitMoveEnd(
  shard: number,
  end: 'complete' | 'rollback'
): Promise<MoveRecord> {
  const move = await activeShardMove()
  if (!move || move.shard_id !== shard)
    throw new ShardMoveRefusedException(`no move of shard ${shard} is under way`)
  if (end === 'complete' && move.step !== 'switched' && move.step !== 'completing')
    throw new ShardMoveRefusedException(
      `shard ${shard} has not switched yet (step ${move.step}): run the move first`
    )
  if (end === 'rollback' && move.step === 'completing')
    throw new ShardMoveRefusedException(
      `the old copy of shard ${shard} is being removed: finish with --complete`
    )
  return move
}
