import { metrics } from '#core/observability/metrics'

/** Names used by ops/grafana/platform_overview.json. */
export const ordersCreated = metrics.counter({
  name: 'orders_created_total',
  help: 'Orders placed, by currency',
  labelNames: ['currency'],
})

export const orderRevenueMinor = metrics.counter({
  name: 'order_revenue_minor_total',
  help: 'Total of placed orders in minor units (cents), by currency',
  labelNames: ['currency'],
})

export const orderTransitions = metrics.counter({
  name: 'order_status_transitions_total',
  help: 'Order status changes, by target status',
  labelNames: ['to'],
})

export const orderRefusals = metrics.counter({
  name: 'order_placement_refusals_total',
  help: 'Order placements refused, by error code (slot full, item unavailable, ...)',
  labelNames: ['code'],
})

export const ordersNotAccepted = metrics.counter({
  name: 'orders_not_accepted_in_time_total',
  help: 'Pending orders rejected for the shop because it did not accept them within its timeout',
})
