import { metrics } from '#core/observability/metrics'

export const notificationOutcomes = metrics.counter({
  name: 'notification_outcomes_total',
  help: 'Notification delivery attempts by channel and outcome (delivered, retried, failed, capped)',
  labelNames: ['channel', 'outcome'],
})

export const notificationsEnqueued = metrics.counter({
  name: 'notifications_enqueued_total',
  help: 'Outbox rows written, by channel',
  labelNames: ['channel'],
})

export const notificationsRelayed = metrics.counter({
  name: 'notifications_relayed_total',
  help: 'Outbox rows handed to the queue, by path (commit hook or sweep)',
  labelNames: ['path'],
})

export const notificationsCapped = metrics.counter({
  name: 'notifications_capped_total',
  help: 'Email and SMS not sent because a send cap was reached, by channel and cap (recipient_hour, merchant_day)',
  labelNames: ['channel', 'cap'],
})
