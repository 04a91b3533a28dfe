import { metrics } from '#core/observability/metrics'

// Every label below comes from a closed set: identity kinds and room prefixes registered in code
// (anything else is "other"), and fixed reasons. Never a client-chosen string.

export const socketConnections = metrics.gauge({
  name: 'socket_connections',
  help: 'Open socket.io connections in this process, by identity kind',
  labelNames: ['kind'],
})

export const socketHandshakeRefusals = metrics.counter({
  name: 'socket_handshake_refusals_total',
  help: 'Socket handshakes refused, by reason (unauthenticated, not_admitted, rate_limited)',
  labelNames: ['reason'],
})

export const socketRoomRefusals = metrics.counter({
  name: 'socket_room_refusals_total',
  help: 'Room joins refused, by room prefix (known prefixes, else other)',
  labelNames: ['prefix'],
})

export const realtimeBroadcasts = metrics.counter({
  name: 'realtime_broadcasts_total',
  help: 'Events broadcast to rooms, by room prefix (known prefixes, else other)',
  labelNames: ['prefix'],
})

export const socketEventsThrottled = metrics.counter({
  name: 'socket_events_throttled_total',
  help: 'Client events dropped by the per-socket rate limit, by identity kind',
  labelNames: ['kind'],
})

export const socketsClosedForAccess = metrics.counter({
  name: 'socket_access_closed_total',
  help: 'Open sockets closed because their access ended, by reason (revocation reason, token_expired, access_lost)',
  labelNames: ['reason'],
})
