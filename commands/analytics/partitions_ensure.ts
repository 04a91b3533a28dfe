import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/** Creates analytics_events partitions ahead of time on every shard node (also run monthly by the scheduler). */
export default class PartitionsEnsure extends BaseCommand {
  static commandName = 'partitions:ensure'
  static description = 'Create the coming months of analytics_events partitions on every shard node'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Months to create after the current one', default: 3 })
  declare ahead: number

  async run() {
    const { shardRouter } = await import('#tenancy/index')
    const { partitionManager } = await import('#analytics/index')
    await shardRouter.load()
    for (const report of await partitionManager.ensure({ monthsAhead: this.ahead })) {
      const created = report.created.length
        ? `created ${report.created.join(', ')}`
        : 'nothing to create'
      const moved = report.movedFromDefault.length
        ? `; moved rows of ${report.movedFromDefault.join(', ')} out of the default partition`
        : ''
      this.logger.info(`${report.node}: ${created}${moved}`)
    }
  }
}
