/**
 * Loaded in every process with the module's listeners: binds the channels in the container (one
 * instance each; tests replace one with `app.container.swap(SmsChannel, ...)`), plugs chat into the
 * realtime hub and exposes queue depth to Prometheus.
 */
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { channelClasses } from '#notifications/channels/registry'
import { registerChatRealtime } from '#notifications/chat/chat_realtime'
import { registerQueueDepthMetrics } from '#notifications/services/queue_depth'
import { notificationsConfig } from '#notifications/notifications_config'

for (const ChannelClass of Object.values(channelClasses))
  app.container.singleton(ChannelClass, () => new ChannelClass())
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
