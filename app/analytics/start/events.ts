import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import { metrics } from '#core/observability/metrics'
import { recordOrderPlaced } from '#analytics/listeners/record_order_placed'
import '#analytics/events'

const failures = metrics.counter({
  name: 'analytics_listener_failures_total',
  help: 'Domain events the analytics module failed to record',
  labelNames: ['event'],
})

/**
 * In-process listeners of the analytics module, loaded once by the module registry. A failure is
 * logged and counted, never thrown back into the emitting module (an order must not fail because
 * its analytics row could not be written).
 */
emitter.on('order.created', async (order) => {
  try {
    await recordOrderPlaced(order)
  } catch (error) {
    failures.inc({ event: 'order.created' })
    logger.error({ err: error, orderId: order.orderId, merchant_id: order.merchantId }, 'analytics: order_placed not recorded')
  }
})

/** The events this file listens to. */
export default ['order.created'] as const
