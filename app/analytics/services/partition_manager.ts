import db from '@adonisjs/lucid/services/db'
import { shardRouter } from '#tenancy/index'
import { toDay } from '#analytics/services/local_days'

export type PartitionReport = { node: string; created: string[]; movedFromDefault: string[] }

function firstOfMonth(date: Date, monthsAhead = 0): string {
  return toDay(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthsAhead, 1)))
}

/**
 * Keeps analytics_events partitions ahead of time on every shard node: the current month and the
 * next `monthsAhead`, plus any month that has rows waiting in the DEFAULT partition (those rows move
 * into their new partition in the same transaction). Safe to run any number of times.
 */
export class PartitionManager {
  async ensure(
    options: { now?: Date; monthsAhead?: number; months?: string[] } = {}
  ): Promise<PartitionReport[]> {
    const now = options.now ?? new Date()
    const wanted =
      options.months ??
      Array.from({ length: (options.monthsAhead ?? 3) + 1 }, (_, i) => firstOfMonth(now, i))
    const reports: PartitionReport[] = []
    for (const node of shardRouter.nodes()) {
      const client = db.connection(node, { mode: 'write' })
      const waiting = await client.rawQuery(
        'SELECT analytics_default_partition_months()::text AS month'
      )
      const stranded: string[] = waiting.rows.map((row: { month: string }) => row.month)
      const months = [
        ...new Set([...wanted.map((m) => firstOfMonth(new Date(`${m}T00:00:00Z`))), ...stranded]),
      ].sort()
      const report: PartitionReport = { node, created: [], movedFromDefault: stranded }
      for (const month of months) {
        // One transaction per month: the default partition is locked only while that month moves.
        const created = await client.transaction(async (trx) => {
          // Creating a partition locks the parent; never queue behind a long query for long (the job retries).
          await trx.rawQuery(`SET LOCAL lock_timeout = '5s'`)
          const result = await trx.rawQuery(
            'SELECT ensure_analytics_partition(?::date) AS created',
            [month]
          )
          return result.rows[0].created as boolean
        })
        if (created) report.created.push(month.slice(0, 7))
      }
      reports.push(report)
    }
    return reports
  }

  /** The partitions of analytics_events on a node (diagnostics and tests). */
  async partitionsOf(node: string): Promise<string[]> {
    const result = await db.connection(node).rawQuery(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'analytics_events'::regclass ORDER BY c.relname`
    )
    return result.rows.map((row: { relname: string }) => row.relname)
  }
}

export const partitionManager = new PartitionManager()
