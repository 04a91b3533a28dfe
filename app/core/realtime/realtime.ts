import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import redis from '@adonisjs/redis/services/main'
import logger from '@adonisjs/core/services/logger'
import type {
  RoomAuthorizer,
  RunInMerchantContext,
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
} from '#core/realtime/realtime_metrics'

const ROOM = /^[a-z_]+:[A-Za-z0-9_:-]{1,200}$/

/** Events one socket may send per window (in this process); beyond that they are answered E_TOO_MANY_REQUESTS. */
const EVENT_LIMIT = { events: 30, windowMs: 10_000 }

function prefixOf(room: string) {
  return room.split(':', 1)[0]
}

function refusal(code: string, message: string) {
  const error = new Error(message) as Error & { data: { code: string } }
  error.data = { code }
  return error
}

/**
 * socket.io on the Adonis HTTP server, fanned out across processes through Redis. Knows nothing about
 * merchants or orders: modules plug in authenticators (who is this socket?), room authorizers (may it
 * join this room?) and event handlers. Every handler runs inside the socket's merchant context.
 */
export class Realtime {
  #io?: Server
  #attachedTo = new WeakSet<HttpServer>()
  #redisClients: Array<{ quit(): Promise<unknown> }> = []
  #authenticators: Array<{ name: string; authenticate: SocketAuthenticator }> = []
  #authorizers = new Map<string, RoomAuthorizer>()
  #handlers = new Map<string, SocketHandler>()
  #runInContext: RunInMerchantContext = (_merchantId, fn) => fn()

  constructor() {
    // merchant:<id> and merchant:<id>:<anything>: that merchant's staff only.
    this.registerRoomAuthorizer('merchant', (identity, room) => identity.kind === 'staff' && room.split(':')[1] === identity.merchantId)
  }

  useContext(run: RunInMerchantContext) {
    this.#runInContext = run
  }

  registerAuthenticator(name: string, authenticate: SocketAuthenticator) {
    this.#authenticators = [...this.#authenticators.filter((a) => a.name !== name), { name, authenticate }]
  }

  registerRoomAuthorizer(prefix: string, authorize: RoomAuthorizer) {
    this.#authorizers.set(prefix, authorize)
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
    if (!ROOM.test(room)) return false
    const authorize = this.#authorizers.get(prefixOf(room))
    if (!authorize) return false
    return this.#runInContext(identity.merchantId, async () => Boolean(await authorize(identity, room)))
  }

  /** Attaches to an HTTP server (once per server). Broadcasting works before this, through Redis. */
  attach(httpServer: HttpServer) {
    if (this.#attachedTo.has(httpServer)) return
    this.#attachedTo.add(httpServer)
    this.#server().attach(httpServer)
  }

  broadcastToRoom(room: string, event: string, payload: unknown) {
    realtimeBroadcasts.inc({ prefix: prefixOf(room) })
    this.#server().to(room).emit(event, payload)
  }

  /** Every staff socket of the merchant. */
  broadcastToMerchant(merchantId: string, event: string, payload: unknown) {
    this.broadcastToRoom(`merchant:${merchantId}`, event, payload)
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
    for (const client of [pub, sub]) client.on('error', (error) => logger.warn({ err: error }, 'socket.io Redis adapter connection error'))
    this.#redisClients.push(pub, sub)
    const io = new Server({
      adapter: createAdapter(pub, sub, { key: `gudbro:socket.io:db${main.options.db ?? 0}` }),
      // Sessions of briefly disconnected clients; middlewares (authentication) run again on recovery.
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
      serveClient: false,
    })
    io.use((socket, next) => {
      this.#authenticate(socket).then(
        () => next(),
        (error) => next(error)
      )
    })
    io.on('connection', (socket) => this.#onConnection(socket))
    this.#io = io
    return io
  }

  async #authenticate(socket: Socket) {
    const credentials = (socket.handshake.auth ?? {}) as Record<string, unknown>
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
      socketHandshakeRefusals.inc()
      throw refusal('E_UNAUTHORIZED', 'Authentication required')
    }
    socket.data.identity = identity
    // A recovered session brings its rooms back: keep only those this identity may still join.
    for (const room of [...socket.rooms]) {
      if (room !== socket.id && !identity.rooms.includes(room) && !(await this.canJoin(identity, room))) socket.leave(room)
    }
  }

  #onConnection(socket: Socket) {
    const identity = socket.data.identity as SocketIdentity
    socket.join(identity.rooms)
    socketConnections.inc({ kind: identity.kind })
    socket.once('disconnect', () => socketConnections.dec({ kind: identity.kind }))

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
      if (typeof ack === 'function') ack({ ok: false, error: { code: 'E_TOO_MANY_REQUESTS', message: `Too many events (${event})` } })
    })

    socket.on('room:join', async (payload: unknown, ack?: (reply: unknown) => void) => {
      const room = typeof (payload as any)?.room === 'string' ? (payload as any).room : ''
      const allowed = await this.canJoin(identity, room).catch(() => false)
      if (allowed) socket.join(room)
      else socketRoomRefusals.inc({ prefix: prefixOf(room) || 'none' })
      if (typeof ack === 'function') ack(allowed ? { ok: true, room } : { ok: false, error: { code: 'E_ROOM_FORBIDDEN', message: 'You may not join this room' } })
    })
    socket.on('room:leave', (payload: unknown, ack?: (reply: unknown) => void) => {
      const room = (payload as any)?.room
      if (typeof room === 'string' && room !== socket.id) socket.leave(room)
      if (typeof ack === 'function') ack({ ok: true })
    })
    for (const [event, handler] of this.#handlers) {
      socket.on(event, async (payload: unknown, ack?: (reply: unknown) => void) => {
        try {
          const data = await this.#runInContext(identity.merchantId, () => handler({ identity, socket }, payload))
          if (typeof ack === 'function') ack({ ok: true, data })
        } catch (error: any) {
          const known = typeof error?.code === 'string' && typeof error?.status === 'number' && error.status < 500
          if (!known) logger.error({ err: error, event }, 'socket handler failed')
          if (typeof ack === 'function') {
            ack({ ok: false, error: known ? { code: error.code, message: error.message } : { code: 'E_INTERNAL', message: 'Something went wrong' } })
          }
        }
      })
    }
  }
}

/** The process-wide realtime hub. */
export const realtime = new Realtime()
