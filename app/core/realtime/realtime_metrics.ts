import { metrics } from '#core/observability/metrics'

export const socketConnections = metrics.gauge({
  name: 'socket_connections',
  help: 'Open socket.io connections in this process, by identity kind',
  labelNames: ['kind'],
})

export const socketHandshakeRefusals = metrics.counter({
  name: 'socket_handshake_refusals_total',
  help: 'Socket handshakes refused (no or invalid credentials)',
})

export const socketRoomRefusals = metrics.counter({
  name: 'socket_room_refusals_total',
  help: 'Room joins refused, by room prefix',
  labelNames: ['prefix'],
})

export const realtimeBroadcasts = metrics.counter({
  name: 'realtime_broadcasts_total',
  help: 'Events broadcast to rooms, by room prefix',
  labelNames: ['prefix'],
})

export const socketEventsThrottled = metrics.counter({
  name: 'socket_events_throttled_total',
  help: 'Client events dropped by the per-socket rate limit, by identity kind',
  labelNames: ['kind'],
})
