import { TenantJob } from '#core/queue/tenant_job'
import { dispatch } from '#core/queue/dispatcher'
import { merchantsReachingLocalHour } from '#analytics/services/local_clock_schedule'
import AggregateMerchantDayJob from '#analytics/jobs/aggregate_merchant_day_job'

/** The local hour at which a merchant's previous day is aggregated. */
export const AGGREGATION_LOCAL_HOUR = 2

type Payload = { merchantId: null; at?: string }

/**
 * Platform job, every quarter hour (local_clock_schedule.ts): queues the aggregation of the day that
 * just ended for each merchant whose local clock reached 02:00. `at` replaces the tick's instant
 * (tests, or replaying a missed tick).
 */
export default class AggregateDailyJob extends TenantJob<Payload> {
  static jobName = 'analytics.aggregate_daily'
  static queueName = 'analytics'

  async handle(payload: Payload) {
    const { tick, due } = await merchantsReachingLocalHour(AGGREGATION_LOCAL_HOUR, payload.at)
    for (const { merchant, day } of due) {
      await dispatch(
        AggregateMerchantDayJob,
        { merchantId: merchant.id, day },
        { jobId: `aggregate.${merchant.id}.${day}` }
      )
    }
    if (due.length)
      this.logger.info({ tick, queued: due.length }, 'local days queued for aggregation')
  }
}
