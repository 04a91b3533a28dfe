import db from '@adonisjs/lucid/services/db'
import { isUuid } from '#core/database/uuid'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { NodeLink, ident } from '#tenancy/sharding/moves/node_link'
import { refreshSummaries, waitForOpenTransactions } from '#tenancy/sharding/moves/replication'
import { guardDedicatedMerchant, merchantTables } from '#tenancy/sharding/moves/dedicated_guards'
import {
  ShardMoveInvalidException,
  ShardMoveRefusedException,
} from '#tenancy/sharding/moves/shard_move_exceptions'
import type { MoveProgress, ShardMover } from '#tenancy/sharding/moves/shard_mover'
import { acceptingNodes, reservedNodes } from '#tenancy/sharding/moves/rebalancer'
import { publishShardMapChange } from '#tenancy/sharding/shard_map_signal'
import type { ShardRouter } from '#tenancy/sharding/shard_router'

/** Shards 0-15 hold merchants by hash; dedicated shards are numbered from here. */
export const FIRST_DEDICATED_SHARD = 16

export type IsolationRecord = {
  merchant_id: string
  shard_id: number
  hash_shard: number
  target: string
  step: 'split' | 'move' | 'done'
  reason: string | null
}

type Merchant = { id: string; slug: string; shard_id: number }

/**
 * shards:isolate: gives one merchant a shard of its own on a node of its own (docs/decisions/shard_moves.md,
 * "Isolating a merchant"), in two recorded steps, each safe to run again:
 *   split  a dedicated shard (16 and up) is mapped to the merchant's node; every node learns that the
 *          merchant lives there (dedicated_merchants and its guard triggers, which refuse the merchant's new
 *          rows under the old shard: GB504); once the transactions open before the guards have ended, the
 *          merchant's rows are relabelled in batches and the directory points the merchant at the new shard;
 *   move   an ordinary shard move of the dedicated shard to the empty node, completed.
 * Other merchants of the old shard are never paused; the merchant's own writes wait (retried by the
 * router) only while its rows are relabelled, and for the move's fence.
 */
export class MerchantIsolator {
  constructor(
    readonly router: ShardRouter,
    readonly mover: ShardMover,
    readonly nodeUrls: Record<string, string>,
    readonly report?: (progress: MoveProgress) => void
  ) {}

  async #merchant(reference: string): Promise<Merchant> {
    const normalized = reference.toLowerCase()
    const row = await db
      .connection('control')
      .from('merchants')
      .where(isUuid(normalized) ? 'id' : 'slug', normalized)
      .select('id', 'slug', 'shard_id')
      .first()
    if (!row)
      throw new ShardMoveInvalidException(`no merchant "${reference}"`, { field: 'merchant' })
    return { id: row.id, slug: row.slug, shard_id: Number(row.shard_id) }
  }

  async #record(merchantId: string): Promise<IsolationRecord | null> {
    const row = await db
      .connection('control')
      .from('merchant_isolations')
      .where('merchant_id', merchantId)
      .first()
    return (row as IsolationRecord | undefined) ?? null
  }

  /** Nodes that take shards, hold none, and are no other isolation's target: where a dedicated shard may go. */
  async #emptyNodes(): Promise<string[]> {
    const accepting = await acceptingNodes(this.router)
    const reserved = await reservedNodes()
    return accepting.filter(
      (node) => this.router.shardsOn(node).length === 0 && !reserved.has(node)
    )
  }

  /**
   * Whether `reference` (an id or a slug) may be isolated now, and where to: the merchant, the node and
   * the isolation it would resume. Changes nothing.
   */
  async check(reference: string, node?: string) {
    await this.router.load()
    const merchant = await this.#merchant(reference)
    const record = await this.#record(merchant.id)
    if (record?.step === 'done')
      throw new ShardMoveRefusedException(
        `${merchant.slug} already has shard ${record.shard_id} to itself on ${this.router.connectionForShard(record.shard_id)}`
      )
    if (node !== undefined && !this.nodeUrls[node])
      throw new ShardMoveInvalidException(`"${node}" is not a shard node`, { field: 'node' })
    if (record && node !== undefined && node !== record.target)
      throw new ShardMoveRefusedException(
        `${merchant.slug} is being isolated onto ${record.target}: run the command again without another node`
      )
    const active = await this.mover.active()
    if (active && active.shard_id !== record?.shard_id)
      throw new ShardMoveRefusedException(
        `shard ${active.shard_id} is moving from ${active.source} to ${active.target}: finish that move first`
      )
    let target = record?.target ?? node
    if (!record) {
      const empty = await this.#emptyNodes()
      target ??= empty[0]
      if (!target)
        throw new ShardMoveRefusedException(
          'no node is empty: register one with "node ace shards:add-node" (or drain one) first'
        )
      if (!empty.includes(target))
        throw new ShardMoveRefusedException(
          `${target} holds shards ${this.router.shardsOn(target).join(', ') || '(drained)'}: ` +
            'a dedicated shard goes to an empty node that takes shards'
        )
    }
    return { merchant, record, target: target! }
  }

  /** Isolates the merchant, or finishes the isolation a crash interrupted. */
  async isolate(reference: string, node?: string, reason?: string): Promise<IsolationRecord> {
    const plan = await this.check(reference, node)
    let record = plan.record ?? (await this.#begin(plan.merchant, plan.target, reason))
    if (record.step === 'split') {
      await this.mover.exclusive(() => this.#split(plan.merchant, record))
      record = { ...record, step: 'move' }
    }
    if (record.step === 'move') {
      // Again, in case a crash came between the directory's change and its invalidation.
      await merchantDirectory.invalidate(plan.merchant)
      await this.#move(record, reason)
      await this.#step(record.merchant_id, 'done')
      record = { ...record, step: 'done' }
    }
    this.report?.({
      step: 'completed',
      message: `${plan.merchant.slug} lives on shard ${record.shard_id}, alone on ${record.target}`,
    })
    return record
  }

  /** The dedicated shard to its node, completed; a move a crash left behind is finished first. */
  async #move(record: IsolationRecord, reason?: string) {
    const shard = record.shard_id
    const left = await this.mover.active()
    if (left?.step === 'rolling_back') await this.mover.rollback(shard)
    const active = await this.mover.active()
    if (!active && this.router.connectionForShard(shard) === record.target) return
    if (active?.step !== 'switched' && active?.step !== 'completing')
      await this.mover.move(shard, record.target, reason ?? 'shards:isolate')
    await this.mover.complete(shard)
  }

  async #begin(merchant: Merchant, target: string, reason?: string): Promise<IsolationRecord> {
    if (merchant.shard_id >= FIRST_DEDICATED_SHARD)
      throw new ShardMoveRefusedException(`${merchant.slug} already has a shard of its own`)
    return db.connection('control').transaction(async (trx) => {
      // One isolation allocates at a time (the table lock), so two never pick the same number.
      await trx.rawQuery('LOCK TABLE merchant_isolations IN SHARE ROW EXCLUSIVE MODE')
      const taken = await trx
        .from('merchant_isolations')
        .whereNot('step', 'done')
        .where('target', target)
        .first()
      if (taken)
        throw new ShardMoveRefusedException(
          `${target} is being given to another merchant (${taken.merchant_id}): pick another empty node`
        )
      const allocated = await trx.rawQuery(
        `SELECT greatest(?::int, (SELECT max(shard_id) + 1 FROM shard_map),
           (SELECT max(shard_id) + 1 FROM merchant_isolations))::int AS next`,
        [FIRST_DEDICATED_SHARD]
      )
      const { next } = allocated.rows[0] as { next: number }
      const [row] = await trx
        .table('merchant_isolations')
        .insert({
          merchant_id: merchant.id,
          shard_id: next,
          hash_shard: merchant.shard_id,
          target,
          step: 'split',
          reason: reason ?? null,
        })
        .returning('*')
      return row as IsolationRecord
    })
  }

  async #step(merchantId: string, step: IsolationRecord['step']) {
    await db
      .connection('control')
      .from('merchant_isolations')
      .where('merchant_id', merchantId)
      .update({ step, updated_at: new Date() })
  }

  async #split(merchant: Merchant, record: IsolationRecord) {
    const shard = record.shard_id
    const home = this.router.connectionForShard(record.hash_shard)
    // Every process learns the new shard before the merchant points at it.
    await db
      .connection('control')
      .rawQuery(
        'INSERT INTO shard_map (shard_id, connection_name) VALUES (?, ?) ON CONFLICT (shard_id) DO NOTHING',
        [shard, home]
      )
    await this.router.load()
    await publishShardMapChange(this.router.version)

    const links = this.router.nodes().map((name) => new NodeLink(name, this.nodeUrls[name]))
    try {
      for (const link of links) {
        this.#report('guard', `${merchant.slug} gets shard ${shard}: guards on ${link.name}`)
        await guardDedicatedMerchant(link, merchant.id, shard)
      }
      const source = links.find((link) => link.name === home)!
      // Rows of the merchant written under the old shard by transactions open before the guards.
      await waitForOpenTransactions(source, 30_000)
      // From here the merchant writes under its dedicated shard (on the same node until the move), so its
      // writes never wait for the relabel; its reads go by merchant, not by shard.
      await db
        .connection('control')
        .from('merchants')
        .where('id', merchant.id)
        .update({ shard_id: shard })
      await merchantDirectory.invalidate(merchant)
      await this.#relabel(source, merchant, record)
      await this.#step(merchant.id, 'move')
      await refreshSummaries(source)
    } finally {
      for (const link of links) await link.close()
    }
  }

  /** The merchant's rows on its node move from the hash shard to the dedicated one, in batches. */
  async #relabel(node: NodeLink, merchant: Merchant, record: IsolationRecord) {
    const tables = await merchantTables(node)
    let rowsTotal = 0
    for (const table of tables) {
      const { n } = await node.one<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${ident(table.name)} WHERE merchant_id = $1 AND shard_id = $2`,
        [merchant.id, record.hash_shard]
      )
      rowsTotal += n
    }
    let done = 0
    for (const table of tables) {
      const t = ident(table.name)
      const key = table.key.map(ident).join(', ')
      for (;;) {
        // As a replica: no audit rows or updated_at for a relabel, which changes nothing the merchant sees.
        const rows = await node.transaction(
          () =>
            node.query(
              `UPDATE ${t} SET shard_id = $1 WHERE (${key}) IN
                 (SELECT ${key} FROM ${t} WHERE merchant_id = $2 AND shard_id = $3 LIMIT 5000)
               RETURNING 1`,
              [record.shard_id, merchant.id, record.hash_shard]
            ),
          { asReplica: true }
        )
        done += rows.length
        this.#report('split', `relabelling ${merchant.slug}'s rows on ${node.name}`, {
          rowsCopied: done,
          rowsTotal,
        })
        // Until none is left: a row deleted under a batch makes it short without ending the table.
        if (rows.length === 0) break
      }
    }
  }

  #report(
    step: 'guard' | 'split',
    message: string,
    figures: Pick<MoveProgress, 'rowsCopied' | 'rowsTotal'> = {}
  ) {
    this.report?.({ step, message, ...figures })
  }
}
