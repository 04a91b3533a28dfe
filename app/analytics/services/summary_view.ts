import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { shardRouter } from '#tenancy/index'

/**
 * Seed 056: mv_merchant_daily_summary is refreshed CONCURRENTLY (it has a unique index), which takes
 * an EXCLUSIVE lock: readers (ACCESS SHARE) carry on with the previous contents until it commits.
 */
export class SummaryView {
  async refreshAll(): Promise<Array<{ node: string; ms: number }>> {
    const results = []
    for (const node of shardRouter.nodes()) {
      const started = performance.now()
      await this.refresh(db.connection(node, { mode: 'write' }))
      results.push({ node, ms: Math.round(performance.now() - started) })
    }
    return results
  }

  /** Refreshes on one client (a node connection, or a transaction the caller holds open). */
  async refresh(client: QueryClientContract) {
    await client.rawQuery('SELECT refresh_merchant_summary()')
  }
}

export const summaryView = new SummaryView()
