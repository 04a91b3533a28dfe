import { merchantDirectory } from '#tenancy/index'
import { TenantJob } from '#core/queue/tenant_job'
import { dispatch } from '#core/queue/dispatcher'
import { merchantsReachingLocalHour } from '#analytics/index'
import GenerateBriefingJob from '#ai_briefings/jobs/generate_briefing_job'

/** The local hour at which a merchant's briefing of its previous day is written (after the 02:00 aggregation). */
export const BRIEFING_LOCAL_HOUR = 6

type Payload = { merchantId: null; at?: string }

/**
 * Platform job, every quarter hour (local_clock_schedule.ts): one briefing job for each active merchant
 * with ai_briefings whose local clock reached 06:00, for its day that just ended. The job id makes a
 * repeat of the same merchant and day a no-op (BullMQ refuses custom ids with ':', hence dots). `at`
 * replaces the tick's instant (tests, or replaying a missed tick).
 */
export default class GenerateDailyBriefingsJob extends TenantJob<Payload> {
  static jobName = 'ai_briefings.generate_daily'
  static queueName = 'ai'

  async handle(payload: Payload) {
    const { tick, due } = await merchantsReachingLocalHour(BRIEFING_LOCAL_HOUR, payload.at)
    let queued = 0
    for (const { merchant: clock, day } of due) {
      const merchant = await merchantDirectory.byId(clock.id)
      if (!merchant?.modules.includes('ai_briefings')) continue
      await dispatch(
        GenerateBriefingJob,
        { merchantId: merchant.id, day },
        { jobId: `briefing.${merchant.id}.${day}` }
      )
      queued++
    }
    if (queued) this.logger.info({ tick, queued }, 'daily briefings queued')
  }
}
