import { ident, type NodeLink } from '#tenancy/sharding/moves/node_link'

/**
 * A table that holds tenant rows on a shard node, as a move sees it: found in the catalog (every table
 * with a shard_id column, partitioned tables through their root, archive tables too), so a module's new
 * table moves with its shard without being listed anywhere.
 */
export type ShardTable = {
  name: string
  /** Leaf partitions of a partitioned table (replica identity is set on each). */
  leaves: string[]
  /** Primary key columns: batched deletes. */
  key: string[]
}

/** The node's tenant tables, roots only, by name. */
export async function tenantTables(node: NodeLink): Promise<ShardTable[]> {
  const rows = await node.query<{
    name: string
    leaves: string[]
    key: string[]
    has_shard: boolean
  }>(
    `SELECT c.relname AS name,
       ARRAY(SELECT p.relid::regclass::text FROM pg_partition_tree(c.oid) p
             WHERE p.isleaf AND p.relid <> c.oid ORDER BY 1) AS leaves,
       ARRAY(SELECT a.attname::text FROM pg_index i
             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY k.ord) AS key,
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'shard_id'
               AND NOT a.attisdropped) AS has_shard
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     ORDER BY c.relname`
  )
  return (
    rows
      // The fence is each node's own, never copied.
      .filter((row) => row.has_shard && row.name !== 'shard_fences')
      .map((row) => {
        if (row.key.length === 0) throw new Error(`tenant table ${row.name} has no primary key`)
        return { name: row.name, leaves: row.leaves, key: row.key }
      })
  )
}

/** The rows of one shard, as a publication's row filter and in queries. */
export function shardFilter(shard: number): string {
  return `shard_id = ${Math.trunc(shard)}`
}

export function fenceTriggerSql(table: ShardTable, shard: number): string {
  const t = ident(table.name)
  const n = Math.trunc(shard)
  const when = { fresh: `NEW.shard_id = ${n}`, old: `OLD.shard_id = ${n}` }
  return `DROP TRIGGER IF EXISTS shard_fence_new ON ${t};
DROP TRIGGER IF EXISTS shard_fence_old ON ${t};
CREATE TRIGGER shard_fence_new BEFORE INSERT OR UPDATE ON ${t}
  FOR EACH ROW WHEN (${when.fresh}) EXECUTE FUNCTION shard_fence('${Math.trunc(shard)}');
CREATE TRIGGER shard_fence_old BEFORE DELETE ON ${t}
  FOR EACH ROW WHEN (${when.old}) EXECUTE FUNCTION shard_fence('${Math.trunc(shard)}');`
}

export function dropFenceTriggerSql(table: ShardTable): string {
  const t = ident(table.name)
  return `DROP TRIGGER IF EXISTS shard_fence_new ON ${t}; DROP TRIGGER IF EXISTS shard_fence_old ON ${t};`
}

/** Every relation whose replica identity a move sets: the root and each leaf partition. */
export function identityTargets(table: ShardTable): string[] {
  return [table.name, ...table.leaves]
}

/**
 * Row count and an order-independent checksum of one shard's rows in a table: the sum of each row
 * text's 64-bit hash (hashtextextended, several times cheaper than MD5: it reads the whole shard).
 * Both nodes run the same migrations, so a row reads the same on both.
 */
export async function shardDigest(
  node: NodeLink,
  table: ShardTable,
  shard: number
): Promise<{ rows: number; checksum: string }> {
  const row = await node.one<{ rows: string; checksum: string }>(
    `SELECT count(*) AS rows,
       coalesce(sum(hashtextextended(t::text, 0)), 0)::text AS checksum
     FROM ${ident(table.name)} t WHERE ${shardFilter(shard)}`
  )
  return { rows: Number(row.rows), checksum: row.checksum }
}

export async function shardRowCount(
  node: NodeLink,
  table: ShardTable,
  shard: number
): Promise<number> {
  const row = await node.one<{ rows: string }>(
    `SELECT count(*) AS rows FROM ${ident(table.name)} WHERE ${shardFilter(shard)}`
  )
  return Number(row.rows)
}

/**
 * Deletes one shard's rows from a table in batches of `batch`, as a replica (no foreign keys, audit
 * or fence triggers: the whole shard goes, every table). Calls `progress` with the rows deleted so far.
 */
export async function deleteShardRows(
  node: NodeLink,
  table: ShardTable,
  shard: number,
  progress: (deleted: number) => Promise<void>,
  batch = 5000
): Promise<number> {
  const t = ident(table.name)
  const key = table.key.map(ident).join(', ')
  let total = 0
  for (;;) {
    const deleted = await node.transaction(
      async () => {
        const rows = await node.query(
          `DELETE FROM ${t} WHERE (${key}) IN
             (SELECT ${key} FROM ${t} WHERE ${shardFilter(shard)} LIMIT ${batch})
           RETURNING 1`
        )
        return rows.length
      },
      { asReplica: true, bypassFence: true }
    )
    total += deleted
    await progress(total)
    if (deleted < batch) return total
  }
}
