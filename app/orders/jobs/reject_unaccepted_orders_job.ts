import { TenantJob } from '#core/queue/tenant_job'

/** Platform job (no merchant), every minute and on worker start: see rejectUnacceptedOrders. */
export default class RejectUnacceptedOrdersJob extends TenantJob<{ merchantId: null }> {
  static jobName = 'orders.reject_unaccepted'
  static queueName = 'orders'

  async handle(_payload: { merchantId: null }) {
    const { rejectUnacceptedOrders } = await import('#orders/services/unaccepted_orders')
    const rejected = await rejectUnacceptedOrders()
    if (rejected > 0) this.logger.info({ rejected }, 'orders not accepted in time were rejected')
  }
}
