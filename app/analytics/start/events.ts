import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import { metrics } from '#core/observability/metrics'
import { dispatch } from '#core/queue/dispatcher'
import { recordOrderPlaced } from '#analytics/listeners/record_order_placed'
import RecordOrderPlacedJob from '#analytics/jobs/record_order_placed_job'
import '#analytics/events'

const failures = metrics.counter({
  name: 'analytics_listener_failures_total',
  help: 'Domain events the analytics module failed to record in process (then queued for retry)',
  labelNames: ['event'],
})

/**
 * In-process listeners of the analytics module, loaded once by the module registry. A failure is
 * never thrown back into the emitting module (an order must not fail because of analytics): it is
 * counted and the event goes to a retrying job (one per order: the job id dedupes).
 */
emitter.on('order.created', async (order) => {
  try {
    await recordOrderPlaced(order)
  } catch (error) {
    failures.inc({ event: 'order.created' })
    logger.warn(
      { err: error, orderId: order.orderId, merchant_id: order.merchantId },
      'analytics: order_placed queued for retry'
    )
    await dispatch(
      RecordOrderPlacedJob,
      { merchantId: order.merchantId, order },
      { jobId: `order-placed.${order.orderId}` }
    ).catch((queueError) =>
      logger.error(
        { err: queueError, orderId: order.orderId },
        'analytics: order_placed lost (queue unavailable)'
      )
    )
  }
})

/** The events this file listens to. */
export default ['order.created'] as const
