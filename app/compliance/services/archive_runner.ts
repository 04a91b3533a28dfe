import db from '@adonisjs/lucid/services/db'
import type { Archivable } from '#core/archiving/archivable'
import { assertNoShardMove, moduleRegistry, shardRouter } from '#tenancy/index'

export type ArchiveProgress = {
  archivable: string
  node: string
  moved: number
  total: number
  batches: number
}
export type ArchiveReport = Array<{
  archivable: string
  node: string
  pending: number
  moved: number
  batches: number
  seconds: number
}>

/**
 * Runs archivables (every module's, or the ones given) on each node where they live: counts what is
 * pending, then moves batch after batch, each in its own transaction, until a batch moves nothing.
 * A crash loses only the open batch; running again resumes. --dry-run only counts.
 */
export class ArchiveRunner {
  async archivables(only?: string[]): Promise<Archivable[]> {
    const all = await moduleRegistry().loadArchives()
    const unknown = (only ?? []).filter((name) => !all.some((a) => a.name === name))
    if (unknown.length)
      throw new Error(
        `Unknown archivable: ${unknown.join(', ')} (known: ${all.map((a) => a.name).join(', ') || 'none'})`
      )
    return only?.length ? all.filter((a) => only.includes(a.name)) : all
  }

  async run(
    archivables: Archivable[],
    options: {
      dryRun?: boolean
      batchSize?: number
      now?: Date
      onProgress?: (progress: ArchiveProgress) => void
    } = {}
  ): Promise<ArchiveReport> {
    if (!options.dryRun) await assertNoShardMove('Archiving')
    const now = options.now ?? new Date()
    const batchSize = options.batchSize ?? 1000
    const report: ArchiveReport = []
    for (const archivable of archivables) {
      const nodes = archivable.location === 'control' ? ['control'] : [...shardRouter.nodes()]
      for (const node of nodes) {
        const started = performance.now()
        const pending = await archivable.pending(db.connection(node), now)
        let moved = 0
        let batches = 0
        if (!options.dryRun) {
          for (;;) {
            const batch = await db
              .connection(node)
              .transaction((trx) => archivable.moveBatch(trx, { now, batchSize }))
            if (batch.moved === 0) break
            moved += batch.moved
            batches++
            options.onProgress?.({
              archivable: archivable.name,
              node,
              moved,
              total: Math.max(pending, moved),
              batches,
            })
          }
        }
        report.push({
          archivable: archivable.name,
          node,
          pending,
          moved,
          batches,
          seconds: (performance.now() - started) / 1000,
        })
      }
    }
    return report
  }
}

export const archiveRunner = new ArchiveRunner()
