import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Backfills daily aggregates for a range of days (each merchant's local days), one day at a time with progress. Idempotent:
 * re-running a range rewrites the same rows.
 */
export default class AnalyticsAggregate extends BaseCommand {
  static commandName = 'analytics:aggregate'
  static description =
    'Aggregate analytics events into daily aggregates for a range of merchant-local days'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'First day, YYYY-MM-DD (default: yesterday in UTC)' })
  declare from?: string

  @flags.string({ description: 'Last day, YYYY-MM-DD (default: --from)' })
  declare to?: string

  @flags.string({ description: 'Only this merchant (id or slug)' })
  declare merchant?: string

  async run() {
    const { shardRouter, merchantDirectory } = await import('#tenancy/index')
    const { dailyAggregator, addDays, daysBetween, isDay, localToday } =
      await import('#analytics/index')
    await shardRouter.load()

    const from = this.from ?? addDays(localToday('UTC'), -1)
    const to = this.to ?? from
    if (!isDay(from) || !isDay(to) || from > to) {
      this.logger.error('--from and --to must be days (YYYY-MM-DD) with from <= to')
      this.exitCode = 1
      return
    }
    let merchant: { id: string; shardId: number; timezone: string } | undefined
    if (this.merchant) {
      const found = await merchantDirectory.byReference(this.merchant)
      if (!found) {
        this.logger.error(`No merchant "${this.merchant}"`)
        this.exitCode = 1
        return
      }
      merchant = { id: found.id, shardId: found.shardId, timezone: found.timezone }
    }
    const days = daysBetween(from, to)
    for (const [index, day] of days.entries()) {
      const started = performance.now()
      const results = await dailyAggregator.aggregateDay(day, merchant)
      const merchants = results.reduce((sum, r) => sum + r.merchants, 0)
      const removed = results.reduce((sum, r) => sum + r.removed, 0)
      const ms = Math.round(performance.now() - started)
      this.logger.info(
        `[${index + 1}/${days.length}] ${day}: ${merchants} merchant day(s) upserted, ${removed} stale removed (${ms} ms)`
      )
    }
  }
}
