/**
 * Loaded in every process with the module's listeners: plugs chat into the realtime hub and
 * exposes queue depth to Prometheus.
 */
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { registerChatRealtime } from '#notifications/chat/chat_realtime'
import { registerQueueDepthMetrics } from '#notifications/services/queue_depth'
import { notificationsConfig } from '#notifications/notifications_config'

registerChatRealtime()
registerQueueDepthMetrics()

// Off unless set; a production process that has it on should say so loudly.
if (app.inProduction && notificationsConfig.allowPrivateTargets()) {
  logger.warn(
    'NOTIFICATIONS_ALLOW_PRIVATE_TARGETS is set: webhooks and Web Push may reach private and loopback addresses'
  )
}

/** The registry only imports this file; the default export marks it as loaded. */
export default true
