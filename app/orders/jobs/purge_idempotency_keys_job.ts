import { TenantJob } from '#core/queue/tenant_job'

/** Platform job (no merchant): drops Idempotency-Key records past their 24 hours, on every shard node. */
export default class PurgeIdempotencyKeysJob extends TenantJob<{ merchantId: null }> {
  static jobName = 'orders.purge_idempotency_keys'
  static queueName = 'orders'

  async handle(_payload: { merchantId: null }) {
    const { idempotency } = await import('#orders/services/idempotency')
    const purged = await idempotency.purgeExpired()
    if (purged > 0) this.logger.info({ purged }, 'expired idempotency keys purged')
  }
}
