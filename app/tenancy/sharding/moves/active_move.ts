import db from '@adonisjs/lucid/services/db'
import type { MoveRecord } from '#tenancy/sharding/moves/shard_mover'

/**
 * Work that reads or writes every node's rows by person or by date (GDPR export and erasure, archiving)
 * waits while a shard move is under way: between its switch and --complete a shard has a copy on both
 * nodes, which such work would read twice or find fenced. Minutes, against deadlines of days.
 */
export async function assertNoShardMove(what: string) {
  const move = await activeShardMove()
  if (move)
    throw new Error(
      `${what} waits while shard ${move.shard_id} moves from ${move.source} to ${move.target} ` +
        `(step ${move.step}): finish the move (shards:move ${move.shard_id} --complete or --rollback), then run it again`
    )
}

/** The move under way, if any (at most one: shard_moves_one_active). */
export async function activeShardMove(): Promise<MoveRecord | null> {
  const row = await db.connection('control').from('shard_moves').where('state', 'active').first()
  return (row as MoveRecord | null) ?? null
}
