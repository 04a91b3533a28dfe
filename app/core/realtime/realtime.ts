import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import proxyAddr from 'proxy-addr'
import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import logger from '@adonisjs/core/services/logger'
import limiter from '@adonisjs/limiter/services/main'
import rateLimits from '#config/rate_limits'
import { rateLimitRejectionsTotal } from '#core/observability/metrics'
import {
  accessRevocations,
  revocationCovers,
  type AccessRevocation,
} from '#core/revocation/access_revocations'
import { watchAccess } from '#core/realtime/access_watch'
import { snakeKeys } from '#core/http/json_keys'
import type {
  RoomAuthorizer,
  RunInMerchantContext,
  SocketAdmission,
  SocketAuthenticator,
  SocketHandler,
  SocketIdentity,
} from '#core/realtime/types'
import {
  realtimeBroadcasts,
  socketConnections,
  socketEventsThrottled,
  socketHandshakeRefusals,
  socketRoomRefusals,
  socketsClosedForAccess,
} from '#core/realtime/realtime_metrics'

/** Rooms clients may ask for: `<prefix>:<id...>`, short (the longest real one, merchant:<uuid>:orders, has 52 characters). */
const MAX_ROOM_LENGTH = 128
const ROOM = /^[a-z_]+:[A-Za-z0-9_:-]+$/

/** Events one socket may send per window (in this process); beyond that they are answered E_TOO_MANY_REQUESTS. */
const EVENT_LIMIT = { events: 30, windowMs: 10_000 }

type CloseReason = AccessRevocation['reason'] | 'token_expired' | 'access_lost'

/** Rooms a revocation finds sockets by. Not of the ROOM form: no client can join or leave them. */
const accessRoom = {
  token: (id: string) => `#token:${id}`,
  user: (id: string) => `#user:${id}`,
  merchant: (id: string) => `#merchant:${id}`,
}

function refusal(code: string, message: string) {
  const error = new Error(message) as Error & { data: { code: string } }
  error.data = { code }
  return error
}

/**
 * socket.io on the Adonis HTTP server, fanned out across processes through Redis. Knows nothing about
 * merchants or orders: modules plug in authenticators (who is this socket?), an admission check (may it
 * be connected now?), room authorizers (may it join this room?) and event handlers. Every handler runs
 * inside the socket's merchant context. Access is checked at the handshake, again on every access
 * revocation (core/revocation, from any process), at the credentials' expiry, and every few minutes.
 */
export class Realtime {
  #io?: Server
  #attachedTo = new WeakSet<HttpServer>()
  #redisClients: Array<{ quit(): Promise<unknown> }> = []
  #authenticators: Array<{ name: string; authenticate: SocketAuthenticator }> = []
  #admit: SocketAdmission = async () => {}
  #authorizers = new Map<string, RoomAuthorizer>()
  #handlers = new Map<string, SocketHandler>()
  #runInContext: RunInMerchantContext = (_merchantId, fn) => fn()
  #handshakeLimiter?: ReturnType<typeof limiter.use>
  #onRevocation = (revocation: AccessRevocation) => this.closeRevoked(revocation)
  #staffRooms: Array<(merchantId: string) => string> = [(merchantId) => `merchant:${merchantId}`]

  constructor() {
    // merchant:<id> and merchant:<id>:<anything>: that merchant's staff only.
    this.registerRoomAuthorizer(
      'merchant',
      (identity, room) => identity.kind === 'staff' && room.split(':')[1] === identity.merchantId
    )
  }

  useContext(run: RunInMerchantContext) {
    this.#runInContext = run
  }

  /** Checked after every successful authentication (handshake and re-validation). */
  useAdmission(admit: SocketAdmission) {
    this.#admit = admit
  }

  registerAuthenticator(name: string, authenticate: SocketAuthenticator) {
    this.#authenticators = [
      ...this.#authenticators.filter((a) => a.name !== name),
      { name, authenticate },
    ]
  }

  registerRoomAuthorizer(prefix: string, authorize: RoomAuthorizer) {
    this.#authorizers.set(prefix, authorize)
  }

  /** A room every staff socket of a merchant joins, named by the module that owns it (orders: the kitchen). */
  addStaffRoom(room: (merchantId: string) => string) {
    this.#staffRooms.push(room)
  }

  staffRooms(merchantId: string): string[] {
    return this.#staffRooms.map((room) => room(merchantId))
  }

  /** Client events with a handler (each runs inside the socket's merchant context). */
  eventNames(): string[] {
    return [...this.#handlers.keys()]
  }

  on(event: string, handler: SocketHandler) {
    if (event.startsWith('room:')) throw new Error(`"${event}": room:* events are reserved`)
    this.#handlers.set(event, handler)
  }

  async canJoin(identity: SocketIdentity, room: string): Promise<boolean> {
    if (room.length > MAX_ROOM_LENGTH || !ROOM.test(room)) return false
    const authorize = this.#authorizers.get(room.split(':', 1)[0])
    if (!authorize) return false
    return this.#runInContext(identity.merchantId, async () =>
      Boolean(await authorize(identity, room))
    )
  }

  /** Attaches to an HTTP server (once per server). Broadcasting works before this, through Redis. */
  attach(httpServer: HttpServer) {
    if (this.#attachedTo.has(httpServer)) return
    this.#attachedTo.add(httpServer)
    this.#server().attach(httpServer)
    this.#listenForRevocations()
  }

  /** A process that missed the subscription (Redis down at boot) would never hear a revocation: keep trying. */
  #listenForRevocations() {
    accessRevocations.listen(this.#onRevocation).catch((error) => {
      logger.error({ err: error }, 'cannot subscribe to access revocations; trying again in 1 s')
      setTimeout(() => this.#listenForRevocations(), 1000).unref()
    })
  }

  broadcastToRoom(room: string, event: string, payload: unknown) {
    realtimeBroadcasts.inc({ prefix: this.#prefixLabel(room) })
    this.#server().to(room).emit(event, snakeKeys(payload))
  }

  /** Every staff socket of the merchant. */
  broadcastToMerchant(merchantId: string, event: string, payload: unknown) {
    this.broadcastToRoom(`merchant:${merchantId}`, event, payload)
  }

  /**
   * Closes this process's sockets that a revocation covers (every process does the same on the signal).
   * Each is told why first (`access.revoked { reason }`), so a client can sign out rather than reconnect.
   */
  closeRevoked(revocation: AccessRevocation) {
    const namespace = this.#io?.of('/')
    if (!namespace) return
    const room = revocation.tokenId
      ? accessRoom.token(revocation.tokenId)
      : revocation.userId
        ? accessRoom.user(revocation.userId)
        : accessRoom.merchant(revocation.merchantId!)
    for (const id of [...(namespace.adapter.rooms.get(room) ?? [])]) {
      const socket = namespace.sockets.get(id)
      if (socket && revocationCovers(revocation, socket.data.identity))
        this.#close(socket, revocation.reason)
    }
  }

  /** Disconnects this process's sockets and leaves Redis; the HTTP server belongs to its owner and stays up. */
  async close() {
    const io = this.#io
    this.#io = undefined
    this.#attachedTo = new WeakSet()
    if (io) {
      io.local.disconnectSockets(true)
      await Promise.resolve(io.of('/').adapter.close()).catch(() => undefined)
      ;(io as any).engine?.close()
    }
    await Promise.all(this.#redisClients.map((client) => client.quit().catch(() => undefined)))
    this.#redisClients = []
  }

  #server(): Server {
    if (this.#io) return this.#io
    const main = redis.connection().ioConnection
    // The adapter publishes without handling a failure: these clients wait for Redis to come back rather
    // than reject (an unhandled rejection would end the process), and log their connection errors.
    const pub = main.duplicate({ maxRetriesPerRequest: null })
    const sub = main.duplicate({ maxRetriesPerRequest: null })
    for (const client of [pub, sub])
      client.on('error', (error) =>
        logger.warn({ err: error }, 'socket.io Redis adapter connection error')
      )
    this.#redisClients.push(pub, sub)
    const io = new Server({
      adapter: createAdapter(pub, sub, { key: `gudbro:socket.io:db${main.options.db ?? 0}` }),
      // Sessions of briefly disconnected clients; middlewares (authentication) run again on recovery.
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
      serveClient: false,
    })
    io.use((socket, next) => {
      this.#handshake(socket).then(
        () => next(),
        (error) => next(error)
      )
    })
    io.on('connection', (socket) => this.#onConnection(socket))
    this.#io = io
    return io
  }

  /** Known room prefixes (those with an authorizer) as they are; any other string is "other". */
  #prefixLabel(room: string) {
    const prefix = room.split(':', 1)[0]
    return this.#authorizers.has(prefix) ? prefix : 'other'
  }

  async #handshake(socket: Socket) {
    await this.#throttleHandshake(socket)
    const identity = await this.#identify((socket.handshake.auth ?? {}) as Record<string, unknown>)
    socket.data.identity = identity
    // A recovered session brings its rooms back: keep only those this identity may still join.
    for (const room of [...socket.rooms]) {
      if (
        room !== socket.id &&
        !identity.rooms.includes(room) &&
        !(await this.canJoin(identity, room))
      )
        socket.leave(room)
    }
  }

  /** Handshakes per client address (X-Forwarded-For only from trusted proxies, as for HTTP), shared across processes. */
  async #throttleHandshake(socket: Socket) {
    const address = proxyAddr(socket.request, app.config.get('app.http.trustProxy'))
    this.#handshakeLimiter ??= limiter.use(rateLimits.socket_handshake)
    try {
      await this.#handshakeLimiter.consume(`socket_handshake:ip:${address}`)
    } catch (error: any) {
      if (error?.code !== 'E_TOO_MANY_REQUESTS') throw error
      rateLimitRejectionsTotal.inc({ limiter: 'socket_handshake' })
      socketHandshakeRefusals.inc({ reason: 'rate_limited' })
      throw refusal('E_TOO_MANY_REQUESTS', 'Too many connection attempts, try again later')
    }
  }

  /** The identity these credentials stand for, admitted now; or a refusal (error.data.code). */
  async #identify(credentials: Record<string, unknown>): Promise<SocketIdentity> {
    let identity: SocketIdentity | null = null
    for (const { name, authenticate } of this.#authenticators) {
      try {
        identity = await authenticate(credentials)
      } catch (error) {
        logger.warn({ err: error, authenticator: name }, 'socket authenticator failed')
      }
      if (identity) break
    }
    if (!identity) {
      socketHandshakeRefusals.inc({ reason: 'unauthenticated' })
      throw refusal('E_UNAUTHORIZED', 'Authentication required')
    }
    try {
      await this.#admit(identity)
    } catch (error: any) {
      const known =
        typeof error?.code === 'string' && typeof error?.status === 'number' && error.status < 500
      if (!known) logger.warn({ err: error, kind: identity.kind }, 'socket admission failed')
      socketHandshakeRefusals.inc({ reason: 'not_admitted' })
      throw known
        ? refusal(error.code, error.message)
        : refusal('E_UNAUTHORIZED', 'Authentication required')
    }
    return identity
  }

  #close(socket: Socket, reason: CloseReason) {
    if (!socket.connected) return
    socketsClosedForAccess.inc({ reason })
    socket.emit('access.revoked', snakeKeys({ reason }))
    socket.disconnect(true)
  }

  #onConnection(socket: Socket) {
    const identity = socket.data.identity as SocketIdentity
    socket.join([
      ...identity.rooms,
      accessRoom.merchant(identity.merchantId),
      ...(identity.userId ? [accessRoom.user(identity.userId)] : []),
      ...(identity.tokenId ? [accessRoom.token(identity.tokenId)] : []),
    ])
    socketConnections.inc({ kind: identity.kind })
    socket.once('disconnect', () => socketConnections.dec({ kind: identity.kind }))
    const credentials = (socket.handshake.auth ?? {}) as Record<string, unknown>
    watchAccess(
      socket,
      identity,
      () =>
        this.#identify(credentials).then(
          () => true,
          () => false
        ),
      (reason) => this.#close(socket, reason)
    )

    // A fixed window per socket: cheap, local, enough to stop one client flooding the handlers.
    let windowStart = Date.now()
    let used = 0
    socket.use(([event, ...args], next) => {
      const now = Date.now()
      if (now - windowStart > EVENT_LIMIT.windowMs) {
        windowStart = now
        used = 0
      }
      if (++used <= EVENT_LIMIT.events) return next()
      socketEventsThrottled.inc({ kind: identity.kind })
      const ack = args[args.length - 1]
      if (typeof ack === 'function')
        ack({
          ok: false,
          error: { code: 'E_TOO_MANY_REQUESTS', message: `Too many events (${event})` },
        })
    })

    socket.on('room:join', async (payload: unknown, ack?: (reply: unknown) => void) => {
      const room = typeof (payload as any)?.room === 'string' ? (payload as any).room : ''
      const allowed = await this.canJoin(identity, room).catch(() => false)
      if (allowed) socket.join(room)
      else socketRoomRefusals.inc({ prefix: this.#prefixLabel(room) })
      if (typeof ack === 'function')
        ack(
          allowed
            ? { ok: true, room }
            : {
                ok: false,
                error: { code: 'E_ROOM_FORBIDDEN', message: 'You may not join this room' },
              }
        )
    })
    socket.on('room:leave', (payload: unknown, ack?: (reply: unknown) => void) => {
      const room = (payload as any)?.room
      // Only rooms of the joinable form: the access rooms a revocation finds this socket by stay.
      if (typeof room === 'string' && room.length <= MAX_ROOM_LENGTH && ROOM.test(room))
        socket.leave(room)
      if (typeof ack === 'function') ack({ ok: true })
    })
    for (const [event, handler] of this.#handlers) {
      socket.on(event, async (payload: unknown, ack?: (reply: unknown) => void) => {
        try {
          const data = await this.#runInContext(identity.merchantId, () =>
            handler({ identity, socket }, payload)
          )
          if (typeof ack === 'function') ack(snakeKeys({ ok: true, data }))
        } catch (error: any) {
          const known =
            typeof error?.code === 'string' &&
            typeof error?.status === 'number' &&
            error.status < 500
          if (!known) logger.error({ err: error, event }, 'socket handler failed')
          if (typeof ack === 'function') {
            ack({
              ok: false,
              error: known
                ? { code: error.code, message: error.message }
                : { code: 'E_INTERNAL', message: 'Something went wrong' },
            })
          }
        }
      })
    }
  }
}

/** The process-wide realtime hub. */
export const realtime = new Realtime()
