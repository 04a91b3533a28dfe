/**
 * Time for an order event to reach 1,000 connected kitchen sockets (p99), our realtime hub vs a bare
 * socket.io server broadcasting the same payload (goal <= 2x).
 *
 *   ours  realtime hub on a node http server: staff-token handshake, rooms merchant:<id>:orders, Redis adapter
 *   bare  socket.io Server, in-memory adapter, every socket in one room
 *
 * The 1,000 clients live in a child process (pinned to the other core when taskset exists); latency is
 * from the broadcast call until the last client has the event. Rounds alternate ours/bare; printed are
 * medians of the per-round p50/p99.
 *   npm run bench:realtime_fanout
 * Env: BENCH_DATABASE_URL (default gudbro_bench_realtime on the local server, migrated first), BENCH_REDIS_URL.
 */
import http from 'node:http'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000)
const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 50)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const now = () => performance.timeOrigin + performance.now()

if (process.argv[2] === 'clients') await runClients()
else await runServer()

/** Child: opens the sockets, reports when every socket has an event. */
async function runClients() {
  const { io } = await import('socket.io-client')
  let sockets: any[] = []
  let received = new Map<number, number>()
  process.on('message', async (message: any) => {
    if (message.type === 'connect') {
      received = new Map()
      for (let offset = 0; offset < message.n; offset += 50) {
        const batch = Array.from({ length: Math.min(50, message.n - offset) }, () => {
          const socket = io(message.url, {
            auth: message.auth,
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          })
          socket.on('order.created', (payload: { seq: number }) => {
            const count = (received.get(payload.seq) ?? 0) + 1
            received.set(payload.seq, count)
            if (count === message.n) process.send!({ type: 'done', seq: payload.seq, at: now() })
          })
          return new Promise<any>((resolve, reject) => {
            socket.once('connect', () => resolve(socket))
            socket.once('connect_error', reject)
          })
        })
        sockets.push(...(await Promise.all(batch)))
      }
      process.send!({ type: 'ready' })
    }
    if (message.type === 'disconnect') {
      for (const socket of sockets) socket.disconnect()
      sockets = []
      process.send!({ type: 'closed' })
    }
    if (message.type === 'exit') process.exit(0)
  })
}

async function runServer() {
  const { bootApp, median, percentile, useBenchDatabase } = await import('./support/boot_app.js')
  await useBenchDatabase('gudbro_bench_realtime', 6)
  if (spawnSync('taskset', ['-p', '-c', '0', String(process.pid)]).status !== 0)
    console.log('(taskset not available: not pinned)')
  const app = await bootApp('web')
  const { Server } = await import('socket.io')
  const { realtime } = await import('#core/realtime/realtime')
  const { onboarding } = await import('#tenancy/services/onboarding_service')
  const { authService } = await import('#tenancy/services/auth_service')
  const { randomUUID } = await import('node:crypto')

  const slug = `fanout-${randomUUID().slice(0, 8)}`
  const merchant = await onboarding.onboard({
    slug,
    name: 'Fanout',
    vertical: 'coffeeshop',
    tier: 'pre_ordering',
    owner: { email: `owner@${slug}.test`, password: 'bench-password-1' },
  })
  const signedIn = await authService.login({
    email: `owner@${slug}.test`,
    password: 'bench-password-1',
  })
  // A fresh owner has no second factor: login answers with the token itself.
  if (!('token' in signedIn)) throw new Error('the bench owner unexpectedly needs a second factor')
  const { token } = signedIn

  const listen = async (server: http.Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  const oursHttp = http.createServer()
  realtime.attach(oursHttp)
  const oursUrl = await listen(oursHttp)
  const bareHttp = http.createServer()
  const bare = new Server(bareHttp, { serveClient: false })
  bare.on('connection', (socket) => socket.join('kitchen'))
  const bareUrl = await listen(bareHttp)

  const child: ChildProcess = spawn(
    spawnSync('which', ['taskset']).status === 0 ? 'taskset' : process.execPath,
    [
      ...(spawnSync('which', ['taskset']).status === 0 ? ['-c', '1', process.execPath] : []),
      ...process.execArgv,
      new URL(import.meta.url).pathname,
      'clients',
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }
  )
  const waiting = new Map<string, (message: any) => void>()
  child.on('message', (message: any) => {
    const key = message.type === 'done' ? `done:${message.seq}` : message.type
    waiting.get(key)?.(message)
    waiting.delete(key)
  })
  const next = (key: string) => new Promise<any>((resolve) => waiting.set(key, resolve))

  const payload = {
    orderId: randomUUID(),
    number: 42,
    status: 'pending',
    pickupAt: new Date().toISOString(),
    items: Array.from({ length: 6 }, (_, n) => ({
      name: `Item ${n}`,
      quantity: 1 + (n % 3),
      modifiers: ['oat milk', 'extra shot'],
    })),
  }
  let seq = 0
  async function round(name: 'ours' | 'bare') {
    const ready = next('ready')
    child.send({
      type: 'connect',
      url: name === 'ours' ? oursUrl : bareUrl,
      auth: name === 'ours' ? { token } : {},
      n: SOCKETS,
    })
    await ready
    const latencies: number[] = []
    for (let n = 0; n < BROADCASTS + 10; n++) {
      const id = ++seq
      const done = next(`done:${id}`)
      const sentAt = now()
      if (name === 'ours')
        realtime.broadcastToRoom(`merchant:${merchant.id}:orders`, 'order.created', {
          ...payload,
          seq: id,
        })
      else bare.to('kitchen').emit('order.created', { ...payload, seq: id })
      const { at } = await done
      if (n >= 10) latencies.push(at - sentAt)
    }
    const closed = next('closed')
    child.send({ type: 'disconnect' })
    await closed
    await new Promise((r) => setTimeout(r, 500))
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
  }

  const results = {
    ours: [] as Array<{ p50: number; p99: number }>,
    bare: [] as Array<{ p50: number; p99: number }>,
  }
  for (let r = 0; r < ROUNDS; r++) {
    results.ours.push(await round('ours'))
    results.bare.push(await round('bare'))
    console.log(
      `round ${r + 1}: ours p50 ${results.ours[r].p50.toFixed(1)} ms p99 ${results.ours[r].p99.toFixed(1)} ms | ` +
        `bare p50 ${results.bare[r].p50.toFixed(1)} ms p99 ${results.bare[r].p99.toFixed(1)} ms`
    )
  }
  const oursP99 = median(results.ours.map((r) => r.p99))
  const bareP99 = median(results.bare.map((r) => r.p99))
  console.log(`\n${SOCKETS} sockets, ${BROADCASTS} broadcasts x ${ROUNDS} rounds, medians:`)
  console.log(
    `  ours  p50 ${median(results.ours.map((r) => r.p50)).toFixed(1)} ms  p99 ${oursP99.toFixed(1)} ms`
  )
  console.log(
    `  bare  p50 ${median(results.bare.map((r) => r.p50)).toFixed(1)} ms  p99 ${bareP99.toFixed(1)} ms`
  )
  console.log(`  p99 ratio ours/bare ${(oursP99 / bareP99).toFixed(2)}x (goal <= 2x)`)
  child.send({ type: 'exit' })
  bare.close()
  await app.terminate()
  process.exit(0)
}
