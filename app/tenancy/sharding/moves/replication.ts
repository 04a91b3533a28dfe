import { NodeLink, ident } from '#tenancy/sharding/moves/node_link'
import {
  dropFenceTriggerSql,
  fenceTriggerSql,
  identityTargets,
  shardDigest,
  shardFilter,
  shardRowCount,
  type ShardTable,
} from '#tenancy/sharding/moves/shard_tables'
import { ShardMoveRefusedException } from '#tenancy/sharding/moves/shard_move_exceptions'

/**
 * What a shard move does on the nodes themselves (app/tenancy/sharding/moves/shard_mover.ts runs the
 * steps and records them): partitions, replica identity and fence triggers, publications, slots and
 * subscriptions, the fence and its marker. Each operation can run again: objects are made only when
 * missing and dropped only when present.
 */

const LOCK_NOT_AVAILABLE = '55P03'

/** Replica identity FULL (roots and leaf partitions) and the shard's fence triggers, on one node. */
export async function armNode(node: NodeLink, tables: ShardTable[], shard: number) {
  for (const table of tables) {
    for (const relation of identityTargets(table))
      await withLockRetry(() =>
        node.transaction(() => node.query(`ALTER TABLE ${ident(relation)} REPLICA IDENTITY FULL`), {
          lockTimeout: '2s',
        })
      )
    await withLockRetry(() =>
      node.transaction(() => node.query(fenceTriggerSql(table, shard)), { lockTimeout: '2s' })
    )
  }
}

/** The node as before the move: no fence row, no fence triggers, replica identity by primary key. */
export async function disarmNode(node: NodeLink, tables: ShardTable[], shard: number) {
  await node.query('DELETE FROM shard_fences WHERE shard_id = $1', [shard])
  for (const table of tables) {
    await withLockRetry(() =>
      node.transaction(() => node.query(dropFenceTriggerSql(table)), { lockTimeout: '2s' })
    )
    for (const relation of identityTargets(table))
      await withLockRetry(() =>
        node.transaction(
          () => node.query(`ALTER TABLE ${ident(relation)} REPLICA IDENTITY DEFAULT`),
          { lockTimeout: '2s' }
        )
      )
  }
}

/** Partitions the source has and the target lacks, created with the same bounds. */
export async function alignPartitions(source: NodeLink, target: NodeLink): Promise<string[]> {
  const created: string[] = []
  const sql = `SELECT parent.relname AS parent, child.relname AS child,
      pg_get_expr(child.relpartbound, child.oid) AS bound
    FROM pg_inherits i
    JOIN pg_class parent ON parent.oid = i.inhparent
    JOIN pg_class child ON child.oid = i.inhrelid
    JOIN pg_namespace n ON n.oid = parent.relnamespace
    WHERE n.nspname = 'public' AND parent.relkind = 'p'`
  const [mine, theirs] = await Promise.all([
    source.query<{ parent: string; child: string; bound: string }>(sql),
    target.query<{ parent: string; child: string; bound: string }>(sql),
  ])
  const present = new Set(theirs.map((row) => row.child))
  for (const partition of mine) {
    if (present.has(partition.child)) continue
    created.push(partition.child)
    await withLockRetry(() =>
      target.transaction(
        () =>
          target.query(
            `CREATE TABLE ${ident(partition.child)} PARTITION OF ${ident(partition.parent)} ${partition.bound}`
          ),
        { lockTimeout: '2s' }
      )
    )
  }
  return created
}

export async function createPublication(
  node: NodeLink,
  name: string,
  tables: ShardTable[],
  shard: number
) {
  const exists = await node.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name])
  if (exists.length) return
  const list = tables
    .map((table) => `${ident(table.name)} WHERE (${shardFilter(shard)})`)
    .join(', ')
  await node.query(
    `CREATE PUBLICATION ${ident(name)} FOR TABLE ${list} WITH (publish_via_partition_root = true)`
  )
}

/** The slot is made apart from the subscription: PostgreSQL requires it when both live on one server. */
export async function createSlot(node: NodeLink, name: string) {
  const exists = await node.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [name])
  if (!exists.length)
    await node.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [name])
}

export async function createSubscription(
  node: NodeLink,
  name: string,
  publisher: NodeLink,
  copyData: boolean
) {
  const exists = await node.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [name])
  if (exists.length) return
  await node.query(
    `CREATE SUBSCRIPTION ${ident(name)} CONNECTION ${literal(publisher.url)} PUBLICATION ${ident(name)}
     WITH (create_slot = false, slot_name = ${literal(name)}, copy_data = ${copyData})`
  )
}

/** Drops a subscription, its slot (on the publisher) and the publication; each only if it exists. */
export async function dropSubscription(subscriber: NodeLink, publisher: NodeLink, name: string) {
  const subscription = await subscriber.query<{ oid: string }>(
    'SELECT oid::text FROM pg_subscription WHERE subname = $1',
    [name]
  )
  if (subscription.length) {
    await subscriber.query(`ALTER SUBSCRIPTION ${ident(name)} DISABLE`)
    await subscriber.query(`ALTER SUBSCRIPTION ${ident(name)} SET (slot_name = NONE)`)
    await subscriber.query(`DROP SUBSCRIPTION ${ident(name)}`)
  }
  const syncPrefix = subscription.length ? `pg_${subscription[0].oid}_sync_%` : null
  for (let attempt = 0; ; attempt++) {
    const slots = await publisher.query<{ slot_name: string; active: boolean }>(
      `SELECT slot_name, active FROM pg_replication_slots
       WHERE slot_name = $1 OR ($2::text IS NOT NULL AND slot_name LIKE $2)`,
      [name, syncPrefix]
    )
    if (!slots.length) break
    // A disabled subscription's walsender goes away within moments.
    if (slots.some((slot) => slot.active) && attempt < 100) {
      await sleep(100)
      continue
    }
    for (const slot of slots)
      await publisher.query('SELECT pg_drop_replication_slot($1)', [slot.slot_name])
  }
  await publisher.query(`DROP PUBLICATION IF EXISTS ${ident(name)}`)
}

export async function countRows(node: NodeLink, tables: ShardTable[], shard: number) {
  let total = 0
  for (const table of tables) total += await shardRowCount(node, table, shard)
  return total
}

/**
 * Writes to the shard stop on `from`; returns once every change committed there before the fence is
 * applied on `to` (a marker row written after it has arrived: replication applies in commit order).
 */
export async function raiseFence(from: NodeLink, to: NodeLink, shard: number, moveId: string) {
  await from.query(
    `INSERT INTO shard_fences (shard_id, move_id) VALUES ($1, $2) ON CONFLICT (shard_id) DO NOTHING`,
    [shard, moveId]
  )
  // Transactions that began before the fence may still commit rows of the shard: wait them out.
  await waitForOpenTransactions(from)
  const { id } = await from.transaction(
    () =>
      from.one<{ id: string }>(
        'INSERT INTO shard_move_markers (shard_id) VALUES ($1) RETURNING id',
        [shard]
      ),
    { bypassFence: true }
  )
  const deadline = Date.now() + 120_000
  while (!(await to.one('SELECT 1 FROM shard_move_markers WHERE id = $1', [id]))) {
    if (Date.now() > deadline)
      throw new ShardMoveRefusedException(
        `${to.name} did not apply ${from.name}'s changes within 2 minutes`
      )
    await sleep(2)
  }
}

/**
 * Returns once every transaction open on the node now has ended (those begun later are not waited for);
 * with `deadlineMs`, refuses after that long (a session idle in a transaction would otherwise hold the
 * caller's fence up).
 */
export async function waitForOpenTransactions(node: NodeLink, deadlineMs?: number) {
  const started = Date.now()
  const { xip } = await node.one<{ xip: string[] }>(
    'SELECT ARRAY(SELECT pg_snapshot_xip(pg_current_snapshot())::text) AS xip'
  )
  for (;;) {
    const { running } = await node.one<{ running: number }>(
      `SELECT count(*)::int AS running FROM unnest($1::xid8[]) x WHERE pg_xact_status(x) = 'in progress'`,
      [xip]
    )
    if (running === 0) return
    if (deadlineMs !== undefined && Date.now() - started > deadlineMs)
      throw new ShardMoveRefusedException(
        `${running} transaction(s) on ${node.name} stayed open for ${deadlineMs / 1000} s: run the command again`
      )
    await sleep(5)
  }
}

export type ShardDigests = Array<{ table: string; rows: number; checksum: string }>

/**
 * The shard's digests (per table: rows and checksum) on both nodes at one point of the replication
 * stream, while writes go on: the VDiff before the cutover. A marker is written on `from` under a fence
 * of a few milliseconds (no write of the shard commits beside it) and `from`'s snapshot is taken right
 * after it. On `to`, the marker table is held locked until the apply worker waits on that marker: every
 * change before it is applied, none after, and `to`'s snapshot is taken then. The lock goes, the apply
 * goes on, and both snapshots are read at leisure.
 */
export async function digestsAtOnePoint(
  from: NodeLink,
  to: NodeLink,
  tables: ShardTable[],
  shard: number,
  moveId: string,
  subscription: string
): Promise<{ from: ShardDigests; to: ShardDigests }> {
  const hold = new NodeLink(to.name, to.url)
  const views = [new NodeLink(from.name, from.url), new NodeLink(to.name, to.url)] as const
  try {
    await hold.query('BEGIN')
    await hold.query('LOCK TABLE shard_move_markers IN SHARE MODE')
    await from.query(
      `INSERT INTO shard_fences (shard_id, move_id) VALUES ($1, $2) ON CONFLICT (shard_id) DO NOTHING`,
      [shard, moveId]
    )
    try {
      await waitForOpenTransactions(from, 5_000)
      await from.transaction(
        () => from.query('INSERT INTO shard_move_markers (shard_id) VALUES ($1)', [shard]),
        { bypassFence: true }
      )
      await views[0].query('BEGIN ISOLATION LEVEL REPEATABLE READ')
      await views[0].query('SELECT 1')
    } finally {
      await from.query('DELETE FROM shard_fences WHERE shard_id = $1', [shard])
    }
    const deadline = Date.now() + 120_000
    while (!(await applyWaitsOnMarkers(to, subscription))) {
      if (Date.now() > deadline)
        throw new ShardMoveRefusedException(
          `${to.name} did not reach ${from.name}'s marker within 2 minutes`
        )
      await sleep(2)
    }
    await views[1].query('BEGIN ISOLATION LEVEL REPEATABLE READ')
    await views[1].query('SELECT 1')
    await hold.query('COMMIT')
    const [mine, theirs] = await Promise.all(
      views.map(async (view) => {
        const digests: ShardDigests = []
        // The markers are the moves' own rows, and this one is on `from` alone until the lock goes.
        for (const table of tables.filter((t) => t.name !== 'shard_move_markers'))
          digests.push({ table: table.name, ...(await shardDigest(view, table, shard)) })
        await view.query('COMMIT')
        return digests
      })
    )
    return { from: mine, to: theirs }
  } finally {
    await hold.close()
    for (const view of views) await view.close()
  }
}

/** Whether the subscription's apply worker on this node's database waits for the lock on shard_move_markers. */
async function applyWaitsOnMarkers(node: NodeLink, subscription: string): Promise<boolean> {
  const [row] = await node.query(
    `SELECT 1 FROM pg_locks l
     WHERE l.relation = 'shard_move_markers'::regclass AND NOT l.granted
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.pid IN (SELECT pid FROM pg_stat_subscription WHERE subname = $1 AND pid IS NOT NULL)`,
    [subscription]
  )
  return row !== undefined
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function literal(text: string) {
  return `'${text.replaceAll("'", "''")}'`
}

/** The markers of the move's fences, on the node that keeps the shard. */
export async function clearMarkers(node: NodeLink, shard: number) {
  await node.transaction(
    () => node.query('DELETE FROM shard_move_markers WHERE shard_id = $1', [shard]),
    { bypassFence: true }
  )
}

/** DDL waits at most its lock_timeout for busy tables, then tries again (other writes go on meanwhile). */
export async function withLockRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= 30) throw error
      await sleep(100)
    }
  }
}

/** The node's daily summaries (mv_merchant_daily_summary) read the shard's analytics events again. */
export async function refreshSummaries(node: NodeLink) {
  const [present] = await node.query<{ present: boolean }>(
    `SELECT to_regprocedure('refresh_merchant_summary()') IS NOT NULL AS present`
  )
  if (present?.present) await node.query('SELECT refresh_merchant_summary()')
}
