import db from '@adonisjs/lucid/services/db'

/**
 * Work that reads or writes every node's rows by person or by date (GDPR export and erasure, archiving)
 * waits while a shard move is under way: between its switch and --complete a shard has a copy on both
 * nodes, which such work would read twice or find fenced. Minutes, against deadlines of days.
 */
export async function assertNoShardMove(what: string) {
  const move = await db
    .connection('control')
    .from('shard_moves')
    .where('state', 'active')
    .select('shard_id', 'source', 'target', 'step')
    .first()
  if (move)
    throw new Error(
      `${what} waits while shard ${move.shard_id} moves from ${move.source} to ${move.target} ` +
        `(step ${move.step}): finish the move (shards:move ${move.shard_id} --complete or --rollback), then run it again`
    )
}
