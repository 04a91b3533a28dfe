import { TenantJob } from '#core/queue/tenant_job'

/**
 * Platform job (no merchant): re-enqueues outbox rows that are still pending and frees rows whose
 * worker died. Runs every minute and whenever a worker starts.
 */
export default class RelaySweepJob extends TenantJob<{ merchantId: null }> {
  static jobName = 'notifications.relay_sweep'
  static queueName = 'notifications'

  async handle() {
    const { relay } = await import('#notifications/services/relay')
    const { requeued } = await relay.sweep()
    if (requeued > 0)
      this.logger.info({ requeued }, 'outbox sweep re-enqueued pending notifications')
  }
}
