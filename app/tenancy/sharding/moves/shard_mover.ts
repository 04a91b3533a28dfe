import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { NodeLink } from '#tenancy/sharding/moves/node_link'
import { activeShardMove } from '#tenancy/sharding/moves/active_move'
import { admitMove, admitMoveEnd } from '#tenancy/sharding/moves/move_admission'
import {
  alignPartitions,
  armNode,
  clearMarkers,
  countRows,
  disarmNode,
  createPublication,
  raiseFence,
  refreshSummaries,
  sleep,
  createSlot,
  createSubscription,
  digestsAtOnePoint,
  dropSubscription,
} from '#tenancy/sharding/moves/replication'
import { copyDedicatedMerchants } from '#tenancy/sharding/moves/dedicated_guards'
import {
  deleteShardRows,
  tenantTables,
  type ShardTable,
} from '#tenancy/sharding/moves/shard_tables'
import {
  ShardMoveInvalidException,
  ShardMoveRefusedException,
} from '#tenancy/sharding/moves/shard_move_exceptions'
import { publishShardMapChange } from '#tenancy/sharding/shard_map_signal'
import type { ShardRouter } from '#tenancy/sharding/shard_router'

/**
 * Moves one logical shard between shard nodes online with PostgreSQL's logical replication
 * (docs/decisions/shard_moves.md):
 *   prepare   replica identity FULL, the target's partitions, fence triggers, the target cleared
 *   copy      publication with a row filter on the source, slot, subscription on the target
 *   catch_up  until every table is synchronised and the lag is small
 *   verify    per table: rows and checksum of the shard on both nodes, at one point of the replication
 *             stream, while writes go on
 *   fence     writes to the shard refused on the source; a marker proves the target has them all
 *   switch    reverse replication target -> source, shard_map flipped (version + 1), every process told
 * and stops at `switched`: the source's copy stays current (and fenced) until `complete` removes it or
 * `rollback` moves the shard back. Every step is recorded in shard_moves and can run again, so the
 * command run again after a crash resumes where it stopped.
 */
export const MOVE_STEPS = ['prepare', 'copy', 'catch_up', 'verify', 'fence', 'switch'] as const
export type MoveStep =
  | (typeof MOVE_STEPS)[number]
  | 'switched'
  | 'completing'
  | 'rolling_back'
  | 'completed'
  | 'rolled_back'

export type MoveRecord = {
  id: string
  shard_id: number
  source: string
  target: string
  step: MoveStep
  state: 'active' | 'completed' | 'rolled_back'
  rows_copied: number
  lag_bytes: number | null
  fence_ms: number | null
  fenced_at: Date | null
  error: string | null
  updated_at: Date
}

export type MoveProgress = {
  /** A move's step, or shards:isolate's own: `guard` (every node learns the new shard), `split` (relabel). */
  step: MoveStep | 'guard' | 'split'
  message: string
  rowsCopied?: number
  rowsTotal?: number
  lagBytes?: number
}

type Options = {
  nodeUrls: Record<string, string>
  controlUrl: string
  report?: (progress: MoveProgress) => void
  /** Replication lag (bytes of WAL) under which the fence may go up. */
  maxLagBytes?: number
  pollMs?: number
}

const LOCK_KEY = 7_240_514

export class ShardMover {
  readonly #router: ShardRouter
  readonly #options: Required<Omit<Options, 'report'>> & Pick<Options, 'report'>
  #links = new Map<string, NodeLink>()

  constructor(router: ShardRouter, options: Options) {
    this.#router = router
    this.#options = { maxLagBytes: 16 * 1024 * 1024, pollMs: 250, ...options }
  }

  #report(step: MoveStep, message: string, figures: Omit<MoveProgress, 'step' | 'message'> = {}) {
    this.#options.report?.({ step, message, ...figures })
  }

  #link(name: string): NodeLink {
    const url = this.#options.nodeUrls[name]
    if (!url) throw new ShardMoveInvalidException(`"${name}" is not a shard node`)
    let link = this.#links.get(name)
    if (!link) {
      link = new NodeLink(name, url)
      this.#links.set(name, link)
    }
    return link
  }

  /**
   * One move command at a time, platform-wide: a session advisory lock on the control database (shards:isolate
   * relabels a merchant's rows under it too).
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const control = new NodeLink('control', this.#options.controlUrl)
    try {
      const { locked } = await control.one<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [LOCK_KEY]
      )
      if (!locked) throw new ShardMoveRefusedException('another shard move command is running')
      await this.#router.load()
      return await fn().catch(async (error: Error) => {
        // Kept with the move, for the admin API and shards:status (a job's caller sees no exception).
        await db
          .connection('control')
          .from('shard_moves')
          .where('state', 'active')
          .update({ error: error.message, updated_at: new Date() })
          .catch(() => {})
        throw error
      })
    } finally {
      await control.close()
      for (const link of this.#links.values()) await link.close()
      this.#links.clear()
    }
  }

  active(): Promise<MoveRecord | null> {
    return activeShardMove()
  }

  async #record(move: MoveRecord, changes: Partial<MoveRecord>) {
    Object.assign(move, changes)
    await db
      .connection('control')
      .from('shard_moves')
      .where('id', move.id)
      .update({ ...changes, updated_at: new Date() })
  }

  /**
   * Whether a move of `shard` to `target` may start (or resume) now, without doing anything: the move
   * it would resume, or null. The admin API asks before it queues one.
   */
  async check(shard: number, target: string): Promise<MoveRecord | null> {
    await this.#router.load()
    return admitMove(this.#router, this.#options.nodeUrls, shard, target)
  }

  /** Whether the active move of `shard` may be completed or rolled back now. */
  checkEnd(shard: number, end: 'complete' | 'rollback'): Promise<MoveRecord> {
    return admitMoveEnd(shard, end)
  }

  /** Starts a move of `shard` to `target`, or resumes the one recorded; returns once switched. */
  async move(shard: number, target: string, reason?: string): Promise<MoveRecord> {
    return this.exclusive(async () => {
      const move = (await this.check(shard, target)) ?? (await this.#begin(shard, target, reason))
      // A failure recorded by an earlier run is history once the move runs again.
      if (move.error) await this.#record(move, { error: null })
      let index = MOVE_STEPS.indexOf(move.step as (typeof MOVE_STEPS)[number])
      if (move.step === 'switched') index = MOVE_STEPS.length
      for (; index < MOVE_STEPS.length; index++) {
        const step = MOVE_STEPS[index]
        await this.#record(move, { step })
        await this.#run(step, move)
      }
      return move
    })
  }

  async #begin(shard: number, target: string, reason?: string): Promise<MoveRecord> {
    const source = this.#router.connectionForShard(shard)
    const [row] = await db
      .connection('control')
      .table('shard_moves')
      .insert({ shard_id: shard, source, target, step: 'prepare', reason: reason ?? null })
      .returning('*')
    return row as MoveRecord
  }

  async #run(step: (typeof MOVE_STEPS)[number], move: MoveRecord) {
    const source = this.#link(move.source)
    const target = this.#link(move.target)
    switch (step) {
      case 'prepare':
        return this.#prepare(move, source, target)
      case 'copy':
        return this.#copy(move, source, target)
      case 'catch_up':
        return this.#catchUp(move, source, target)
      case 'fence':
        return this.#fence(move, source, target)
      case 'verify':
        return this.#verify(move, source, target)
      case 'switch':
        return this.#switch(move, source, target)
    }
  }

  #names(shard: number) {
    return { forward: `gudbro_move_s${shard}`, back: `gudbro_back_s${shard}` }
  }

  async #tables(source: NodeLink, target: NodeLink): Promise<ShardTable[]> {
    const [mine, theirs] = await Promise.all([tenantTables(source), tenantTables(target)])
    const names = (tables: ShardTable[]) => tables.map((table) => table.name).join(',')
    if (names(mine) !== names(theirs))
      throw new ShardMoveRefusedException(
        `${source.name} and ${target.name} hold different tenant tables: run "node ace migrate:all" first`
      )
    return mine
  }

  async #prepare(move: MoveRecord, source: NodeLink, target: NodeLink) {
    for (const node of [source, target]) {
      const { wal_level: level } = await node.one<{ wal_level: string }>('SHOW wal_level')
      if (level !== 'logical')
        throw new ShardMoveRefusedException(
          `${node.name} runs with wal_level=${level}: a shard move needs wal_level=logical (set it, restart that server)`
        )
    }
    for (const partition of await alignPartitions(source, target))
      this.#report('prepare', `created partition ${partition} on ${target.name}`)
    await copyDedicatedMerchants(source, target)
    const tables = await this.#tables(source, target)
    this.#report('prepare', `replica identity and fence triggers on ${tables.length} tables`)
    for (const node of [source, target]) await armNode(node, tables, move.shard_id)
    // Rows of this shard on the target are left from an earlier move away from it: the map says the shard
    // lives on the source, so they are nobody's.
    await this.#clearShard(move, target, tables, 'prepare')
    await target.query('DELETE FROM shard_fences WHERE shard_id = $1', [move.shard_id])
  }

  async #copy(move: MoveRecord, source: NodeLink, target: NodeLink) {
    const { forward } = this.#names(move.shard_id)
    const tables = await this.#tables(source, target)
    await createPublication(source, forward, tables, move.shard_id)
    await createSlot(source, forward)
    await createSubscription(target, forward, source, true)
    this.#report('copy', `copying shard ${move.shard_id} from ${source.name} to ${target.name}`)
  }

  async #catchUp(move: MoveRecord, source: NodeLink, target: NodeLink) {
    const { forward } = this.#names(move.shard_id)
    const tables = await this.#tables(source, target)
    const rowsTotal = await countRows(source, tables, move.shard_id)
    for (;;) {
      const states = await target.query<{ state: string }>(
        `SELECT r.srsubstate AS state FROM pg_subscription_rel r
         JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = $1`,
        [forward]
      )
      const errors = await target.one<{ errors: string } | undefined>(
        `SELECT (apply_error_count + sync_error_count)::text AS errors
         FROM pg_stat_subscription_stats WHERE subname = $1`,
        [forward]
      )
      if (Number(errors?.errors ?? 0) > 5)
        throw new ShardMoveRefusedException(
          `the subscription on ${target.name} failed ${errors?.errors} times (its server log says why): ` +
            `run "node ace shards:move ${move.shard_id} ${target.name} --rollback"`
        )
      const lag = await source.one<{ lag: string | null } | undefined>(
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS lag
         FROM pg_replication_slots WHERE slot_name = $1`,
        [forward]
      )
      if (!lag) throw new ShardMoveRefusedException(`slot ${forward} is gone from ${source.name}`)
      const lagBytes = Math.max(0, Number(lag.lag ?? 0))
      const rowsCopied = await countRows(target, tables, move.shard_id)
      await this.#record(move, { rows_copied: rowsCopied, lag_bytes: lagBytes })
      const synced = states.length === tables.length && states.every((row) => row.state === 'r')
      this.#report(
        'catch_up',
        synced
          ? 'copied, catching up'
          : `copying (${states.filter((r) => r.state === 'r').length}/${tables.length} tables ready)`,
        { rowsCopied, rowsTotal, lagBytes }
      )
      if (synced && lagBytes <= this.#options.maxLagBytes) return
      await sleep(this.#options.pollMs)
    }
  }

  async #fence(move: MoveRecord, source: NodeLink, target: NodeLink) {
    if (!move.fenced_at) await this.#record(move, { fenced_at: new Date() })
    this.#report('fence', `writes to shard ${move.shard_id} paused for the final catch-up`)
    await raiseFence(source, target, move.shard_id, move.id)
  }

  async #verify(move: MoveRecord, source: NodeLink, target: NodeLink) {
    const tables = await this.#tables(source, target)
    this.#report('verify', `comparing ${tables.length} tables on both nodes`)
    const { forward } = this.#names(move.shard_id)
    const digests = await digestsAtOnePoint(source, target, tables, move.shard_id, move.id, forward)
    for (const [index, mine] of digests.from.entries()) {
      const theirs = digests.to[index]
      if (mine.rows !== theirs.rows || mine.checksum !== theirs.checksum) {
        // The move can be tried again from the catch-up, or rolled back; writes never stopped.
        const error = `${mine.table}: ${mine.rows} rows on ${source.name}, ${theirs.rows} on ${target.name}, checksums ${mine.checksum === theirs.checksum ? 'equal' : 'differ'}`
        await this.#record(move, { step: 'catch_up', error })
        throw new ShardMoveRefusedException(
          `verification failed, the shard stays on ${source.name}: ${error}`
        )
      }
    }
    this.#report('verify', `${tables.length} tables match on both nodes`)
  }

  async #switch(move: MoveRecord, source: NodeLink, target: NodeLink) {
    const { forward, back } = this.#names(move.shard_id)
    const tables = await this.#tables(source, target)
    // Reverse replication starts from the moment before the target takes any write of the shard.
    await createPublication(target, back, tables, move.shard_id)
    await createSlot(target, back)
    await dropSubscription(target, source, forward)
    await createSubscription(source, back, target, false)
    const fenceMs = move.fenced_at ? Date.now() - new Date(move.fenced_at).getTime() : null
    await db.connection('control').transaction(async (trx) => {
      await flipShard(trx, move.shard_id, move.source, move.target)
      await trx
        .from('shard_moves')
        .where('id', move.id)
        .update({ step: 'switched', fence_ms: fenceMs, error: null, updated_at: new Date() })
    })
    Object.assign(move, { step: 'switched', fence_ms: fenceMs, error: null })
    await this.#router.load()
    await publishShardMapChange(this.#router.version)
    this.#report('switch', `shard ${move.shard_id} now lives on ${target.name}; writes resumed`)
    await refreshSummaries(target)
  }

  /** Removes the old copy: stops reverse replication and deletes the shard's rows from the source. */
  async complete(shard: number): Promise<MoveRecord> {
    return this.exclusive(async () => {
      const move = await this.checkEnd(shard, 'complete')
      await this.#record(move, { step: 'completing', error: null })
      const source = this.#link(move.source)
      const target = this.#link(move.target)
      const tables = await this.#tables(source, target)
      await dropSubscription(source, target, this.#names(shard).back)
      await this.#clearShard(move, source, tables, 'completing')
      await clearMarkers(target, shard)
      for (const node of [source, target]) await disarmNode(node, tables, shard)
      await refreshSummaries(source)
      await this.#record(move, { step: 'completed', state: 'completed' })
      this.#report('completed', `shard ${shard} lives on ${move.target} alone`)
      return move
    })
  }

  /** Undoes a move at any step before `complete`: the shard ends where it started, nothing left behind. */
  async rollback(shard: number): Promise<MoveRecord> {
    return this.exclusive(async () => {
      const move = await this.checkEnd(shard, 'rollback')
      await this.#record(move, { step: 'rolling_back', error: null })
      const source = this.#link(move.source)
      const target = this.#link(move.target)
      const tables = await this.#tables(source, target)
      const { forward, back } = this.#names(shard)
      await dropSubscription(target, source, forward)
      if (this.#router.connectionForShard(shard) === move.target) {
        this.#report('rolling_back', `writes to shard ${shard} paused to move it back`)
        const fencedAt = Date.now()
        await raiseFence(target, source, shard, move.id)
        await flipShard(db.connection('control'), shard, move.target, move.source)
        await this.#router.load()
        await source.query('DELETE FROM shard_fences WHERE shard_id = $1', [shard])
        await publishShardMapChange(this.#router.version)
        await this.#record(move, { fence_ms: Date.now() - fencedAt })
      }
      await dropSubscription(source, target, back)
      await source.query('DELETE FROM shard_fences WHERE shard_id = $1', [shard])
      await this.#clearShard(move, target, tables, 'rolling_back')
      await clearMarkers(source, shard)
      for (const node of [source, target]) await disarmNode(node, tables, shard)
      await this.#record(move, { step: 'rolled_back', state: 'rolled_back' })
      this.#report('rolled_back', `shard ${shard} stays on ${move.source}`)
      return move
    })
  }

  async #clearShard(move: MoveRecord, node: NodeLink, tables: ShardTable[], step: MoveStep) {
    const rowsTotal = await countRows(node, tables, move.shard_id)
    if (rowsTotal === 0) return
    let done = 0
    for (const table of tables) {
      const before = done
      done += await deleteShardRows(node, table, move.shard_id, async (n) => {
        this.#report(step, `removing shard ${move.shard_id}'s rows from ${node.name}`, {
          rowsCopied: before + n,
          rowsTotal,
        })
        // Progress for the stall alert (ops/prometheus/alerts.yml).
        await this.#record(move, {})
      })
    }
  }
}

/** Points the shard at `to` if it is still on `from`, one version up. */
async function flipShard(client: QueryClientContract, shard: number, from: string, to: string) {
  await client.rawQuery(
    `UPDATE shard_map SET connection_name = ?, version = version + 1
     WHERE shard_id = ? AND connection_name = ?`,
    [to, shard, from]
  )
}
