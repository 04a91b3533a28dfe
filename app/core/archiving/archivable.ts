import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'

/**
 * The archiving contract. A module that keeps cold data out of its hot tables (analytics partitions
 * older than a year, orders finished more than six months ago) declares archivables:
 * defineModule({ archives: () => import('#<module>/archives') }), a default export of Archivable[].
 * `node ace archive:run` runs them on every node where they live, batch by batch.
 */
export type Archivable = {
  /** Stable name, e.g. "orders.orders_archive" (archive:run --only <name>). */
  name: string
  description: string
  location: 'control' | 'shard'
  /** Rows (or partitions) still to move on this node: progress and --dry-run. */
  pending(client: QueryClientContract, now: Date): Promise<number>
  /**
   * Moves one batch inside `trx` (the runner gives each batch its own transaction) and returns what
   * moved with a checksum it verified. Work is chosen from what is still pending, so a run killed
   * midway loses only its open batch (rolled back) and the next run resumes. 0 moved: finished.
   */
  moveBatch(
    trx: TransactionClientContract,
    options: { now: Date; batchSize: number }
  ): Promise<{ moved: number; checksum: string | null }>
}

export function defineArchivables(archivables: Archivable[]): Archivable[] {
  const names = new Set<string>()
  for (const archivable of archivables) {
    if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(archivable.name))
      throw new Error(`archivable "${archivable.name}": name must be "<module>.<what>"`)
    if (names.has(archivable.name))
      throw new Error(`archivable "${archivable.name}" is declared twice`)
    if (archivable.location !== 'control' && archivable.location !== 'shard')
      throw new Error(`archivable "${archivable.name}": location must be control or shard`)
    names.add(archivable.name)
  }
  return archivables
}

/**
 * The common row mover: copies one batch of `from` rows matching `where` into `to` (same columns),
 * checks that the copy has the same count and checksum as the source rows, then deletes them from
 * `from`. Rows are locked (SKIP LOCKED) so two runners never take the same batch.
 */
export async function moveRowsBatch(
  trx: TransactionClientContract,
  options: {
    from: string
    to: string
    key: string
    where: string
    bindings: unknown[]
    batchSize: number
  }
): Promise<{ moved: number; checksum: string | null }> {
  const { from, to, key, where, bindings, batchSize } = options
  const batch = await trx.rawQuery(
    `SELECT "${key}"::text AS key FROM "${from}" WHERE ${where} ORDER BY "${key}" LIMIT ? FOR UPDATE SKIP LOCKED`,
    [...bindings, batchSize] as any[]
  )
  const keys: string[] = batch.rows.map((row: { key: string }) => row.key)
  if (keys.length === 0) return { moved: 0, checksum: null }
  const checksumOf = async (table: string) => {
    const result = await trx.rawQuery(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY "${key}")) AS sum FROM "${table}" t WHERE "${key}" = ANY(?)`,
      [keys]
    )
    return result.rows[0] as { n: number; sum: string }
  }
  const source = await checksumOf(from)
  await trx.rawQuery(`INSERT INTO "${to}" SELECT * FROM "${from}" WHERE "${key}" = ANY(?)`, [keys])
  const copy = await checksumOf(to)
  if (copy.n !== source.n || copy.sum !== source.sum) {
    throw new Error(
      `${from} -> ${to}: copy does not match (${copy.n}/${source.n} rows, checksum ${copy.sum} vs ${source.sum})`
    )
  }
  const deleted = await trx.rawQuery(`DELETE FROM "${from}" WHERE "${key}" = ANY(?)`, [keys])
  if (deleted.rowCount !== source.n)
    throw new Error(`${from}: deleted ${deleted.rowCount} rows, copied ${source.n}`)
  return { moved: source.n, checksum: source.sum }
}
