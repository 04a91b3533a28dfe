import { TenantJob } from '#core/queue/tenant_job'
import { recordOrderPlaced } from '#analytics/listeners/record_order_placed'
import type { OrderCreated } from '#analytics/events'

/**
 * The durable second chance of the order.created listener: when recording in process failed, the
 * event is queued here and retried with backoff. Recording is idempotent per order, so a retry after a
 * partial success writes nothing twice.
 */
export default class RecordOrderPlacedJob extends TenantJob<{
  merchantId: string
  order: OrderCreated
}> {
  static jobName = 'analytics.record_order_placed'
  static queueName = 'analytics'

  async handle(payload: { merchantId: string; order: OrderCreated }) {
    await recordOrderPlaced(payload.order)
  }
}
