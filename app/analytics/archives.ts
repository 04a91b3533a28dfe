import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { defineArchivables } from '#core/archiving/archivable'

/** Partitions are named analytics_events_YYYY_MM (UTC months), see the partition functions. */
const PARTITION_NAME = /^analytics_events_(\d{4})_(\d{2})$/

/** One year before `now`: a partition whose range ends by then is cold. */
function coldBefore(now: Date): Date {
  const limit = new Date(now)
  limit.setUTCFullYear(limit.getUTCFullYear() - 1)
  return limit
}

/** Monthly partitions of analytics_events whose whole range ended more than a year before `now`, oldest first. */
async function coldPartitions(
  client: QueryClientContract | TransactionClientContract,
  now: Date
): Promise<string[]> {
  const { rows } = await client.rawQuery(
    `SELECT c.relname AS name
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.inhparent = 'public.analytics_events'::regclass AND n.nspname = 'public'
      ORDER BY c.relname`
  )
  const limit = coldBefore(now).getTime()
  return (rows as Array<{ name: string }>)
    .map((row) => row.name)
    .filter((name) => {
      const match = PARTITION_NAME.exec(name)
      if (!match) return false // the DEFAULT partition stays
      const end = Date.UTC(Number(match[1]), Number(match[2]), 1) // month index is 0-based: this is the next month's first day
      return end <= limit
    })
}

async function fingerprint(trx: TransactionClientContract, qualified: string) {
  const { rows } = await trx.rawQuery(
    `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY id, created_at), '')) AS sum FROM ${qualified} t`
  )
  return rows[0] as { n: number; sum: string }
}

/**
 * analytics_events partitions older than a year leave the hot table: DETACHed (queries and
 * aggregates on analytics_events no longer scan them) and moved to the `archive` schema, where
 * they stay readable. One partition per batch; its row count and checksum are taken before and
 * verified after, in the same transaction, so a mismatch rolls the move back.
 * A batch's `moved` counts partitions (like `pending`), so an empty partition still advances.
 */
export default defineArchivables([
  {
    name: 'analytics.partitions_archive',
    description:
      'monthly analytics_events partitions that ended more than a year ago, detached into the archive schema',
    location: 'shard',
    async pending(client, now) {
      const partitions = await coldPartitions(client, now)
      return partitions.length
    },
    async moveBatch(trx, { now }) {
      // Taken first, so two runners serialize here and the second sees the partition gone.
      await trx.rawQuery(`LOCK TABLE analytics_events IN ACCESS EXCLUSIVE MODE`)
      const [partition] = await coldPartitions(trx, now)
      if (!partition) return { moved: 0, checksum: null }
      const before = await fingerprint(trx, `public."${partition}"`)
      await trx.rawQuery(`ALTER TABLE analytics_events DETACH PARTITION "${partition}"`)
      await trx.rawQuery(`CREATE SCHEMA IF NOT EXISTS archive`)
      await trx.rawQuery(`ALTER TABLE public."${partition}" SET SCHEMA archive`)
      const after = await fingerprint(trx, `archive."${partition}"`)
      if (after.n !== before.n || after.sum !== before.sum) {
        throw new Error(
          `${partition}: archived copy does not match (${after.n}/${before.n} rows, checksum ${after.sum} vs ${before.sum})`
        )
      }
      return { moved: 1, checksum: `${partition}:${before.n}:${before.sum}` }
    },
  },
])
