/**
 * Order POST latency: notifications pointed at 500 ms-slow targets vs notifications off (goal p95 <= 1.1x
 * paced; at saturation orders/s with notifications on >= 0.9x off, issue 12 goal 5).
 *
 *   off  merchants with no notification routes: the order transaction writes no outbox row
 *   on   merchants routing order.created to email (kitchen + customer) and a webhook; the SMTP server and
 *        the webhook receiver answer every step 500 ms late, and a queue worker is busy delivering
 *
 * Every request orders a latte with a modifier and an espresso (priced on the server) into a fresh
 * pickup slot, spread over 20 merchants per side. The production build's server runs on core 0, wrk
 * and the queue worker on core 1. Two modes, each alternating off/on: paced (a fixed rate below
 * capacity: what a customer sees) and saturated (capacity). Medians of p50/p95/p99, the ratios, and
 * the CPU time per order of the server, the queue worker and PostgreSQL (the server processes of the
 * bench's databases) as a second opinion. The API process hands an order's rows to the queue after
 * COMMIT, as one job; after each `on` run a sample of its rows gives the hand-off latency (goal: p99
 * within 1 s).
 *
 *   npm run bench:orders [-- --no-build --runs 3 --seconds 10 --rate 150]
 * Env: BENCH_DATABASE_URL (control db; nodes get _node0/_node1), BENCH_REDIS_URL. Give it its own database
 * and Redis db: it deletes every outbox row and flushes Redis first.
 */
import http from 'node:http'
import net from 'node:net'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import {
  benchEnv,
  cliFlag,
  median,
  prepareBuild,
  requireHttpBench,
  ROOT,
  startOnCore0,
  stopAll,
  waitFor,
} from './support/http_bench.js'
import { freePort } from '../scripts/provision.js'

const SECONDS = cliFlag('--seconds', 10)
const ROUNDS = cliFlag('--runs', 3)
const RATE = cliFlag('--rate', 150)
const CONNECTIONS = 10
const MERCHANTS = 20
const SLOW_MS = 500
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gudbro_bench_orders'
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14'

/** An SMTP server that answers every command SLOW_MS late (and accepts everything). */
async function slowSmtp() {
  let received = 0
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined)
    let buffer = ''
    let inData = false
    const reply = (line: string) =>
      setTimeout(() => socket.writable && socket.write(`${line}\r\n`), SLOW_MS)
    reply('220 slow ESMTP')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      while (true) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end === -1) return
          buffer = buffer.slice(end + 5)
          inData = false
          received++
          reply('250 queued')
          continue
        }
        const lineEnd = buffer.indexOf('\r\n')
        if (lineEnd === -1) return
        const verb = buffer.slice(0, 4).toUpperCase()
        buffer = buffer.slice(lineEnd + 2)
        if (verb === 'EHLO') reply('250-slow\r\n250 8BITMIME')
        else if (verb === 'DATA') ((inData = true), reply('354 go on'))
        else if (verb === 'QUIT') (reply('221 bye'), setTimeout(() => socket.end(), SLOW_MS))
        else reply('250 ok')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    close: () => server.close(),
  }
}

/** A webhook receiver answering 200 after SLOW_MS. */
async function slowWebhook() {
  let received = 0
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => setTimeout(() => (received++, res.writeHead(200).end('ok')), SLOW_MS))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received: () => received,
    close: () => server.close(),
  }
}

/** User + system CPU of a process so far, in ms (Linux /proc). */
function cpuMs(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/** User + system CPU so far of several processes (those that have gone count as nothing), in ms. */
function sumCpuMs(pids: number[]) {
  return pids.reduce((sum, pid) => {
    try {
      return sum + cpuMs(pid)
    } catch {
      return sum
    }
  }, 0)
}

/** Server processes of the bench's databases (the pooled connections of the server and the worker). */
async function benchBackends(): Promise<number[]> {
  const names = [DATABASE_URL, ...shardRouter.nodes().map((node) => `${DATABASE_URL}_${node}`)].map(
    (url) => new URL(url).pathname.slice(1)
  )
  const result = await db
    .connection('control')
    .rawQuery(
      'SELECT pid FROM pg_stat_activity WHERE datname = ANY(?) AND pid <> pg_backend_pid()',
      [names]
    )
  return result.rows.map((row: { pid: number }) => row.pid)
}

/** A wrk script that sends each request to a random one of the targets (merchant path + body). */
function wrkScript(targets: Array<{ path: string; body: string }>, delayMs: number | null) {
  // delay(): each connection pauses (jittered) between requests, which holds a fixed request rate below capacity.
  const pace = delayMs
    ? `function delay() return math.floor(${delayMs} * (0.5 + math.random())) end`
    : ''
  const list = targets
    .map((t) => `{ path = [==[${t.path}]==], body = [==[${t.body}]==] }`)
    .join(',\n  ')
  return `
local targets = {
  ${list}
}
local headers = { ["Content-Type"] = "application/json" }
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failures = 0; math.randomseed(os.time()) end
function request()
  local target = targets[math.random(#targets)]
  -- Guests behind the (trusted) proxy, each from an address of their own: a guest may place only a
  -- few orders per pickup slot (E_GUEST_ORDER_LIMIT), and every request of a run goes to one slot.
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format("POST", target.path, headers, target.body)
end
${pace}
function response(status, headers, body) if status ~= 201 then failures = failures + 1 end end
function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
  io.write(string.format('RESULT {"requests":%d,"failed":%d,"p50":%d,"p95":%d,"p99":%d}\\n',
    summary.requests, failed + summary.errors.connect + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
`
}

const smtp = await slowSmtp()
const webhook = await slowWebhook()
const port = await freePort()
const base = `http://127.0.0.1:${port}`
const env = benchEnv({
  DATABASE_URL,
  REDIS_URL,
  PORT: String(port),
  LOG_FILE: '',
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(smtp.port),
  NOTIFICATIONS_ALLOW_PRIVATE_TARGETS: 'true',
  // wrk stands in for a proxy in front of many guests (X-Forwarded-For, see wrkScript).
  TRUSTED_PROXIES: '127.0.0.1,::1,::ffff:127.0.0.1',
})
await requireHttpBench(env)
prepareBuild(env)

// The script itself boots the app (console) to create merchants and tokens and to clear earlier runs'
// notification backlog, aimed at stand-ins that are gone, which would keep the worker retrying.
Object.assign(process.env, env)
const { bootApp } = await import('./support/boot_app.js')
const app = await bootApp()
const { default: redis } = await import('@adonisjs/redis/services/main')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { shardRouter } = await import('#tenancy/index')
const { onboarding } = await import('#tenancy/services/onboarding_service')
const { default: User } = await import('#tenancy/models/user')
await redis.flushdb()
for (const node of shardRouter.nodes())
  await db.connection(node, { mode: 'write' }).rawQuery('DELETE FROM notification_queue')

/**
 * Every run starts from vacuumed, analysed tables, as autovacuum would keep them: a server may run
 * without autovacuum (CI machines do), and then the dead rows of earlier runs (orders, outbox, analytics)
 * slowed each run down more than the last.
 */
async function vacuumNodes() {
  for (const node of shardRouter.nodes())
    await db.connection(node, { mode: 'write' }).rawQuery('VACUUM ANALYZE')
}

/**
 * Hand-off latency of the orders an `on` run wrote: from the order transaction's start (created_at, so
 * an upper bound of "from COMMIT") to the job's arrival in the queue (BullMQ's add timestamp; the
 * worker runs on this machine, same clock), and to the job's pickup by a worker where it already
 * happened (that one also waits behind the backlog the slow targets build, so it measures the worker,
 * not the hand-off). A row's job is named after the first row of its order (same transaction, same
 * created_at). A sample of SAMPLE rows per run; rows without a job after 10 s are counted as missing.
 */
const SAMPLE = 400
const { default: queue } = await import('@rlanz/bull-queue/services/main')
async function handOffLatency(since: Date) {
  const rows: Array<{ id: string; created_ms: number; siblings: string[] }> = []
  for (const node of shardRouter.nodes()) {
    const result = await db.connection(node, { mode: 'write' }).rawQuery(
      `SELECT n.id, (extract(epoch FROM n.created_at) * 1000)::float8 AS created_ms,
              (SELECT array_agg(s.id) FROM notification_queue s
                WHERE s.merchant_id = n.merchant_id AND s.created_at = n.created_at) AS siblings
         FROM notification_queue n
        WHERE n.created_at >= ? ORDER BY random() LIMIT ?`,
      [since, SAMPLE / 2]
    )
    rows.push(...result.rows)
  }
  const bull = queue.getOrSet('notifications')
  const queued: number[] = []
  const picked: number[] = []
  let waiting = rows
  const deadline = Date.now() + 10_000
  while (waiting.length > 0 && Date.now() < deadline) {
    const left = []
    for (const row of waiting) {
      let job
      for (const id of row.siblings) job ??= await bull.getJob(id)
      if (!job) {
        left.push(row)
        continue
      }
      queued.push(job.timestamp - row.created_ms)
      if (job.processedOn) picked.push(job.processedOn - row.created_ms)
    }
    waiting = left
    if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { queued, picked, sampled: rows.length, missing: waiting.length }
}
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
type Latency = {
  queuedP50: number
  queuedP99: number
  pickedP99: number
  picked: number
  missing: number
  sampled: number
}
const latencies: Record<'paced' | 'saturated', Latency[]> = { paced: [], saturated: [] }

const scriptPath = join(mkdtempSync(join(tmpdir(), 'orders-bench-')), 'orders.lua')
const server = startOnCore0(env, ['build/bin/server.js'])
const worker = spawn('taskset', ['-c', '1', process.execPath, 'build/ace.js', 'queue:work'], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
})
process.on('exit', () => {
  stopAll()
  worker.kill('SIGTERM')
})
await waitFor(`${base}/health`)

async function api(token: string, method: string, path: string, body?: object) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  })
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return ((await response.json()) as any).data
}

/** A merchant with the bench menu; `notify` routes order.created to the slow targets. */
async function benchMerchant(notify: boolean) {
  const slug = `bench-${randomUUID().slice(0, 8)}`
  const merchant = await onboarding.onboard({
    slug,
    name: 'Bench',
    vertical: 'coffeeshop',
    tier: 'pre_ordering',
    owner: { email: `owner@${slug}.test`, password: 'bench-password-1' },
  })
  const user = await User.findByOrFail('email', `owner@${slug}.test`)
  const accessToken = await User.accessTokens.create(user, [`merchant:${merchant.id}`])
  const token = accessToken.value!.release()
  const drinks = await api(token, 'POST', '/api/v1/menu/categories', { name: 'Drinks' })
  const latte = await api(token, 'POST', '/api/v1/menu/items', {
    category_id: drinks.id,
    name: 'Latte',
    price_minor: 350,
    currency: 'EUR',
  })
  const espresso = await api(token, 'POST', '/api/v1/menu/items', {
    category_id: drinks.id,
    name: 'Espresso',
    price_minor: 150,
    currency: 'EUR',
  })
  const milk = await api(token, 'POST', `/api/v1/menu/items/${latte.id}/modifier-groups`, {
    name: 'Milk',
    is_required: true,
  })
  await api(token, 'POST', `/api/v1/menu/modifier-groups/${milk.id}/options`, {
    name: 'Whole milk',
  })
  const oat = await api(token, 'POST', `/api/v1/menu/modifier-groups/${milk.id}/options`, {
    name: 'Oat milk',
    price_delta_minor: 50,
  })
  if (notify) {
    await api(token, 'PUT', '/api/v1/notifications/settings', {
      routes: { 'order.created': ['email', 'webhook'] },
      email_recipients: ['kitchen@bench.test'],
      webhook_url: webhook.url,
    })
  }
  let slotMinutes = 60
  return {
    path: `/api/v1/orders/m/${slug}`,
    /** A request body for a fresh slot (so capacity never runs out). */
    async body() {
      const startsAt = new Date(Date.now() + (slotMinutes += 15) * 60_000)
      const slot = await api(token, 'POST', '/api/v1/orders/pickup-slots', {
        starts_at: startsAt.toISOString(),
        ends_at: new Date(startsAt.getTime() + 15 * 60_000).toISOString(),
        capacity: 10_000,
      })
      return JSON.stringify({
        pickup_slot_id: slot.id,
        customer: { name: 'Bench', email: 'customer@bench.test' },
        items: [
          { item_id: latte.id, quantity: 2, option_ids: [oat.id] },
          { item_id: espresso.id, quantity: 1 },
        ],
      })
    },
  }
}

type Run = {
  requests: number
  failed: number
  p50: number
  p95: number
  p99: number
  cpuPerRequestMs: number
  workerCpuPerRequestMs: number
  postgresCpuPerRequestMs: number
}

/**
 * Each side spreads its orders over MERCHANTS merchants, as the platform does: one merchant's orders
 * queue on its slot row and its day counter by design (capacity and gapless numbers), and a single
 * merchant taking hundreds of orders a second is not a case we serve.
 */
/** paced: a fixed rate well below capacity (what a customer sees); saturated: as fast as the server goes (capacity, CPU). */
type Mode = 'paced' | 'saturated'
const subjects = {
  off: await Promise.all(Array.from({ length: MERCHANTS }, () => benchMerchant(false))),
  on: await Promise.all(Array.from({ length: MERCHANTS }, () => benchMerchant(true))),
}

/** One wrk run against a side, on fresh slots; the server's CPU time is read around it. */
const runOf = async (name: 'off' | 'on', mode: Mode, seconds: number): Promise<Run> => {
  await vacuumNodes()
  const targets = await Promise.all(
    subjects[name].map(async (merchant) => ({ path: merchant.path, body: await merchant.body() }))
  )
  writeFileSync(
    scriptPath,
    wrkScript(targets, mode === 'paced' ? (CONNECTIONS * 1000) / RATE : null)
  )
  const startedAt = new Date()
  const backends = await benchBackends()
  const postgresBefore = sumCpuMs(backends)
  const workerBefore = cpuMs(worker.pid!)
  const cpuBefore = cpuMs(server.pid!)
  const [command, argv] = [
    'taskset',
    ['-c', '1', 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', scriptPath, base],
  ] as const
  const run = await new Promise<Run>((resolve, reject) => {
    let out = ''
    const child = spawn(command, argv)
    child.stdout.on('data', (chunk) => (out += chunk))
    child.once('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (!line) return reject(new Error(`wrk said: ${out}`))
      resolve({
        ...JSON.parse(line.slice(7)),
        cpuPerRequestMs: 0,
        workerCpuPerRequestMs: 0,
        postgresCpuPerRequestMs: 0,
      })
    })
  })
  const perRequest = (ms: number) => ms / Math.max(1, run.requests)
  const cpuPerRequestMs = perRequest(cpuMs(server.pid!) - cpuBefore)
  const workerCpuPerRequestMs = perRequest(cpuMs(worker.pid!) - workerBefore)
  const postgresCpuPerRequestMs = perRequest(sumCpuMs(backends) - postgresBefore)
  if (name === 'on' && seconds === SECONDS) {
    const sample = await handOffLatency(startedAt)
    latencies[mode].push({
      queuedP50: percentile(sample.queued, 50),
      queuedP99: percentile(sample.queued, 99),
      pickedP99: percentile(sample.picked, 99),
      picked: sample.picked.length,
      missing: sample.missing,
      sampled: sample.sampled,
    })
  }
  return { ...run, cpuPerRequestMs, workerCpuPerRequestMs, postgresCpuPerRequestMs }
}

const results: Record<Mode, Record<'off' | 'on', Run[]>> = {
  paced: { off: [], on: [] },
  saturated: { off: [], on: [] },
}
const ms = (us: number) => (us / 1000).toFixed(1)
await runOf('off', 'saturated', 3)
await runOf('on', 'saturated', 3)
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of ['paced', 'saturated'] as const) {
    for (const name of ['off', 'on'] as const) {
      const run = await runOf(name, mode, SECONDS)
      results[mode][name].push(run)
      const handOff = name === 'on' ? latencies[mode].at(-1) : undefined
      console.log(
        `round ${round} ${mode.padEnd(9)} ${name.padEnd(3)} ${(run.requests / SECONDS).toFixed(0)} orders/s  p50 ${ms(run.p50)} ms  p95 ${ms(run.p95)} ms  ` +
          `p99 ${ms(run.p99)} ms  CPU/order: server ${run.cpuPerRequestMs.toFixed(2)} ms, worker ${run.workerCpuPerRequestMs.toFixed(2)} ms, ` +
          `postgres ${run.postgresCpuPerRequestMs.toFixed(2)} ms  non-201: ${run.failed}` +
          (handOff
            ? `  hand-off p50 ${handOff.queuedP50.toFixed(0)} ms p99 ${handOff.queuedP99.toFixed(0)} ms (${handOff.sampled} rows, ${handOff.missing} without a job after 10 s)` +
              (handOff.picked > 0
                ? `, picked p99 ${handOff.pickedP99.toFixed(0)} ms (${handOff.picked} picked)`
                : ', none picked yet (backlog)')
            : '')
      )
    }
  }
}

const pick = (mode: Mode, name: 'off' | 'on', key: keyof Run) =>
  median(results[mode][name].map((run) => run[key]))
const line = (mode: Mode, name: 'off' | 'on') =>
  `p50 ${ms(pick(mode, name, 'p50'))} ms  p95 ${ms(pick(mode, name, 'p95'))} ms  p99 ${ms(pick(mode, name, 'p99'))} ms  ` +
  `${(pick(mode, name, 'requests') / SECONDS).toFixed(0)} orders/s  CPU/order: server ${pick(mode, name, 'cpuPerRequestMs').toFixed(2)} ms, ` +
  `worker ${pick(mode, name, 'workerCpuPerRequestMs').toFixed(2)} ms, postgres ${pick(mode, name, 'postgresCpuPerRequestMs').toFixed(2)} ms`
const ratio = (mode: Mode, key: 'p50' | 'p95' | 'p99') =>
  (pick(mode, 'on', key) / pick(mode, 'off', key)).toFixed(2)
console.log(
  `\n${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} connections, orders spread over ${MERCHANTS} merchants per side` +
    ', server on core 0, wrk + queue worker on core 1; medians:'
)
for (const mode of ['paced', 'saturated'] as const) {
  console.log(
    mode === 'paced'
      ? `  paced at ~${RATE} orders/s:`
      : '  saturated (closed loop, as fast as the server answers):'
  )
  console.log(`    notifications off                   ${line(mode, 'off')}`)
  console.log(`    notifications on, ${SLOW_MS} ms targets   ${line(mode, 'on')}`)
  console.log(
    `    ratio on/off: p95 ${ratio(mode, 'p95')}x${mode === 'paced' ? ' (goal <= 1.1x)' : ''}, p50 ${ratio(mode, 'p50')}x, p99 ${ratio(mode, 'p99')}x`
  )
  if (mode === 'saturated') {
    const throughput = pick(mode, 'on', 'requests') / pick(mode, 'off', 'requests')
    console.log(`    orders/s on/off: ${throughput.toFixed(2)}x (goal >= 0.9x)`)
  }
  const handOffs = latencies[mode]
  console.log(
    `    hand-off, transaction start -> job queued: p50 ${median(handOffs.map((l) => l.queuedP50)).toFixed(0)} ms, ` +
      `p99 ${median(handOffs.map((l) => l.queuedP99)).toFixed(0)} ms (goal p99 <= 1000 ms); ` +
      `${handOffs.reduce((sum, l) => sum + l.missing, 0)} of ${handOffs.reduce((sum, l) => sum + l.sampled, 0)} sampled rows without a job after 10 s`
  )
}
const failing = (['paced', 'saturated'] as const).flatMap((mode) =>
  (['off', 'on'] as const).flatMap((name) =>
    results[mode][name].filter((run) => run.failed > run.requests / 100)
  )
)
if (failing.length > 0)
  console.log(
    `  WARNING: ${failing.length} runs answered more than 1% of their requests with something else than 201: ` +
      'their figures are not order placements'
  )
console.log(
  `  the slow targets got ${smtp.received()} emails and ${webhook.received()} webhooks meanwhile (the backlog drains in the background)`
)

stopAll()
worker.kill('SIGTERM')
smtp.close()
webhook.close()
await app.terminate()
process.exit(0)
