import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/** REFRESH MATERIALIZED VIEW CONCURRENTLY on every shard node (also run hourly by the scheduler). */
export default class ViewsRefresh extends BaseCommand {
  static commandName = 'views:refresh'
  static description = 'Refresh mv_merchant_daily_summary concurrently on every shard node'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { shardRouter } = await import('#tenancy/index')
    const { summaryView } = await import('#analytics/index')
    await shardRouter.load()
    for (const { node, ms } of await summaryView.refreshAll()) this.logger.info(`${node}: mv_merchant_daily_summary refreshed in ${ms} ms`)
  }
}
