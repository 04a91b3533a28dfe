import type { NodeLink } from '#tenancy/sharding/moves/node_link'
import { withLockRetry } from '#tenancy/sharding/moves/replication'
import { tenantTables, type ShardTable } from '#tenancy/sharding/moves/shard_tables'

/** Tenant tables with a merchant_id column: the rows a merchant owns (a move's markers have none). */
export async function merchantTables(node: NodeLink): Promise<ShardTable[]> {
  const rows = await node.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = 'public' AND column_name = 'merchant_id'`
  )
  const named = new Set(rows.map((row) => row.table_name))
  const tables = await tenantTables(node)
  return tables.filter((table) => named.has(table.name))
}

/**
 * The node learns that `merchantId` lives on dedicated shard `shard`: a row in dedicated_merchants
 * (set_shard_id fills it) and the merchant's guard trigger on every tenant table
 * (database/migrations/tenancy/shard/0004_dedicated_shards.ts). Run again: no change.
 */
export async function guardDedicatedMerchant(node: NodeLink, merchantId: string, shard: number) {
  await node.query(
    `INSERT INTO dedicated_merchants (merchant_id, dedicated_shard) VALUES ($1, $2)
     ON CONFLICT (merchant_id) DO NOTHING`,
    [merchantId, shard]
  )
  for (const table of await merchantTables(node))
    await withLockRetry(() =>
      node.transaction(
        () => node.query(`SELECT guard_dedicated_merchants($1::regclass)`, [table.name]),
        { lockTimeout: '2s' }
      )
    )
}

/** A move's target (a node added since) learns the dedicated merchants the source knows. */
export async function copyDedicatedMerchants(from: NodeLink, to: NodeLink) {
  const sql = 'SELECT merchant_id, dedicated_shard FROM dedicated_merchants ORDER BY merchant_id'
  const [known, present] = await Promise.all([
    from.query<{ merchant_id: string; dedicated_shard: number }>(sql),
    to.query<{ merchant_id: string }>(sql),
  ])
  const there = new Set(present.map((row) => row.merchant_id))
  for (const row of known)
    if (!there.has(row.merchant_id))
      await guardDedicatedMerchant(to, row.merchant_id, row.dedicated_shard)
}
