/**
 * Loaded in every process with the module's listeners: plugs chat into the realtime hub and
 * exposes queue depth to Prometheus.
 */
import { registerChatRealtime } from '#notifications/chat/chat_realtime'
import { registerQueueDepthMetrics } from '#notifications/services/queue_depth'

registerChatRealtime()
registerQueueDepthMetrics()

/** The registry only imports this file; the default export marks it as loaded. */
export default true
