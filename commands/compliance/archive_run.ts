import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Moves cold data out of hot tables: every archivable a module declares (defineModule({ archives })),
 * on every node where it lives, in verified batches. Resumable; --dry-run counts only.
 */
export default class ArchiveRun extends BaseCommand {
  static commandName = 'archive:run'
  static description =
    'Archive cold data (modules declare what: analytics partitions, finished orders...)'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Count what would move, move nothing' })
  declare dryRun?: boolean

  @flags.number({ description: 'Rows per batch (one transaction each)', default: 1000 })
  declare batchSize: number

  @flags.array({ description: 'Only these archivables (name, repeatable)' })
  declare only?: string[]

  async run() {
    try {
      const { serveTenants } = await import('#providers/tenancy_provider')
      const { archiveRunner } = await import('#compliance/index')
      await serveTenants()
      if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
        throw new Error('--batch-size must be a positive integer')
      const archivables = await archiveRunner.archivables(this.only)
      if (archivables.length === 0) {
        this.logger.info('nothing to archive: no module declares archivables')
        return
      }
      const report = await archiveRunner.run(archivables, {
        dryRun: this.dryRun,
        batchSize: this.batchSize,
        onProgress: ({ archivable, node, moved, total }) => {
          const width = 30
          const filled = Math.round((moved / Math.max(total, 1)) * width)
          process.stdout.write(
            `\r${archivable} ${node} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${moved}/${total}`
          )
        },
      })
      process.stdout.write('\n')
      const table = this.ui.table()
      table.head(['archivable', 'node', 'pending', 'moved', 'batches', 'rows/s'])
      for (const row of report) {
        table.row([
          row.archivable,
          row.node,
          String(row.pending),
          String(row.moved),
          String(row.batches),
          row.moved ? String(Math.round(row.moved / row.seconds)) : '-',
        ])
      }
      table.render()
      if (this.dryRun) this.logger.info('dry run: nothing moved')
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
