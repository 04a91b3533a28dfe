import { requireTenant } from '#tenancy/index'
import { TenantJob } from '#core/queue/tenant_job'
import { dailyAggregator } from '#analytics/services/daily_aggregator'
import { isDay } from '#analytics/services/local_days'

type Payload = { merchantId: string; day: string }

/** One merchant's local day (queued at its local 02:00; a re-run is an idempotent replace). */
export default class AggregateMerchantDayJob extends TenantJob<Payload> {
  static jobName = 'analytics.aggregate_merchant_day'
  static queueName = 'analytics'

  async handle(payload: Payload) {
    if (!isDay(payload.day))
      throw new Error(`analytics.aggregate_merchant_day: bad day ${JSON.stringify(payload.day)}`)
    const { merchantId, shardId, timezone } = requireTenant()
    await dailyAggregator.aggregateDay(payload.day, { id: merchantId, shardId, timezone })
  }
}
