import { merchantDirectory } from '#tenancy/index'
import { TenantJob } from '#core/queue/tenant_job'
import { dispatch } from '#core/queue/dispatcher'
import { addDays, isDay, today } from '#analytics/index'
import GenerateBriefingJob from '#ai_briefings/jobs/generate_briefing_job'

/**
 * Platform job (06:00 UTC, after the 02:00 aggregation): one briefing job per active merchant whose
 * modules include ai_briefings, for yesterday. The job id makes a re-run of the same day a no-op
 * (BullMQ refuses custom ids with ':' unless they look like its own, hence dots).
 */
export default class GenerateDailyBriefingsJob extends TenantJob<{ merchantId: null; day?: string }> {
  static jobName = 'ai_briefings.generate_daily'
  static queueName = 'ai'

  async handle(payload: { merchantId: null; day?: string }) {
    const day = payload.day ?? addDays(today(), -1)
    if (!isDay(day)) throw new Error(`ai_briefings.generate_daily: bad day ${JSON.stringify(day)}`)
    let queued = 0
    for (const id of await merchantDirectory.activeMerchantIds()) {
      const merchant = await merchantDirectory.byId(id)
      if (!merchant?.modules.includes('ai_briefings')) continue
      await dispatch(GenerateBriefingJob, { merchantId: id, day }, { jobId: `briefing.${id}.${day}` })
      queued++
    }
    this.logger.info({ day, queued }, 'daily briefings queued')
  }
}
