import app from '@adonisjs/core/services/app'
import type { AddressInfo } from 'node:net'
import { io, type Socket, type ManagerOptions, type SocketOptions } from 'socket.io-client'
import { eventually } from '#tests/support/eventually'
import { randomClientIp } from '#tests/support/app_process'
import { record } from '#tests/support/wire_format_recorder'

const opened: Socket[] = []

export async function socketUrl() {
  const server = await app.container.make('server')
  const address = server.getNodeServer()!.address() as AddressInfo
  return `http://127.0.0.1:${address.port}`
}

/**
 * A connected socket.io client (rejects with the server's refusal), to this process's server or to `url`.
 * Each plays its own client address (handshakes are limited per address), unless options say otherwise.
 */
export async function connect(
  auth: Record<string, unknown>,
  options: Partial<ManagerOptions & SocketOptions> & { url?: string } = {}
) {
  const { url, ...rest } = options
  const socket = io(url ?? (await socketUrl()), {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'x-forwarded-for': randomClientIp() },
    ...rest,
  })
  opened.push(socket)
  // The wire-format audit sees every event payload this client receives.
  socket.onAny((event, ...payloads) => record('socket', `event ${event}`, payloads))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', (error: any) => {
      record('socket', 'connect_error', error?.data ?? null)
      reject(Object.assign(error, { code: error?.data?.code }))
    })
  })
  return socket
}

export function closeSockets() {
  for (const socket of opened.splice(0)) socket.disconnect()
}

/** Records every event a socket receives. */
export function recorder(socket: Socket) {
  const events: Array<{ event: string; payload: any }> = []
  socket.onAny((event, payload) => events.push({ event, payload }))
  return {
    events,
    of: (event: string) => events.filter((e) => e.event === event).map((e) => e.payload),
    waitFor: (event: string, match: (payload: any) => boolean = () => true) =>
      eventually(
        `socket event ${event}`,
        () => events.find((e) => e.event === event && match(e.payload))?.payload
      ),
  }
}

export async function emitWithAck(socket: Socket, event: string, payload: unknown): Promise<any> {
  const reply = await socket.timeout(10_000).emitWithAck(event, payload)
  record('socket', `ack ${event}`, reply)
  return reply
}

/** Asks to join a room: the `ok` of the server's answer (true when it let the socket in). */
export async function joinRoom(socket: Socket, room: string): Promise<boolean> {
  const reply = await emitWithAck(socket, 'room:join', { room })
  return reply.ok
}
