import { requireTenant } from '#tenancy/index'
import { TenantJob } from '#core/queue/tenant_job'
import { briefingService } from '#ai_briefings/briefing_service'
import { LocalBriefingProvider } from '#ai_briefings/providers/local_provider'

type Payload = { merchantId: string; day: string }

/** One merchant's briefing of one day (fanned out by the 06:00 job; the job id dedupes per day). */
export default class GenerateBriefingJob extends TenantJob<Payload> {
  static jobName = 'ai_briefings.generate'
  static queueName = 'ai'

  async handle(payload: Payload) {
    // The module may have been switched off since the fan-out.
    if (!requireTenant().modules.has('ai_briefings')) return
    await briefingService.generate(payload.day)
  }

  /** The remote provider kept failing: the owner still gets a briefing, from the local writer. */
  async rescue(payload: Payload, error: Error) {
    this.logger.warn(
      { err: error, merchant_id: payload.merchantId },
      'briefing provider failed, writing it locally'
    )
    if (requireTenant().modules.has('ai_briefings'))
      await briefingService.generate(payload.day, new LocalBriefingProvider())
  }
}
