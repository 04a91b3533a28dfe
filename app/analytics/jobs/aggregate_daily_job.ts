import { TenantJob } from '#core/queue/tenant_job'
import { dailyAggregator } from '#analytics/services/daily_aggregator'
import { addDays, isDay, today } from '#analytics/services/utc_days'

/**
 * Platform job (02:00 UTC): aggregates yesterday's UTC day for every merchant on every node.
 * `day` overrides the day (re-runs are harmless: the aggregation is an idempotent replace).
 */
export default class AggregateDailyJob extends TenantJob<{ merchantId: null; day?: string }> {
  static jobName = 'analytics.aggregate_daily'
  static queueName = 'analytics'

  async handle(payload: { merchantId: null; day?: string }) {
    const day = payload.day ?? addDays(today(), -1)
    if (!isDay(day)) throw new Error(`analytics.aggregate_daily: bad day ${JSON.stringify(day)}`)
    const results = await dailyAggregator.aggregateDay(day)
    this.logger.info({ day, results }, 'analytics day aggregated')
  }
}
