/**
 * Menu benchmark, in one go:
 *   (a) the cache-hit public menu GET through the whole production build;
 *   (b) raw node:http serving the same bytes from memory;
 * alternated A B A B A B with wrk (server on core 0, wrk on core 1), printing req/s, p50/p99, server
 * CPU per request and the ratio of medians a/b; then the cold-miss path: latency and SQL statements
 * per miss (pg_stat_database commits on the shard nodes: every autocommit statement is one).
 *
 *   npm run bench:menu [-- --no-build --runs 3 --seconds 10]
 * Env: BENCH_DATABASE_URL (control db; nodes get _node0/_node1), BENCH_REDIS_URL.
 */
import net from 'node:net'
import pg from 'pg'
import {
  alternate,
  benchEnv,
  cliFlag,
  formatSummary,
  median,
  paced,
  prepareBuild,
  requireHttpBench,
  startOnCore0,
  startRawServer,
  stopAll,
  waitFor,
} from './support/http_bench.js'

const RUNS = cliFlag('--runs', 3)
const SECONDS = cliFlag('--seconds', 10)
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gudbro_bench_menu'
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13'
const APP_PORT = 4513
const RAW_PORT = 4514
const SLUG = 'demo-coffee'
const env = benchEnv({ DATABASE_URL, REDIS_URL, PORT: String(APP_PORT) })

async function bigEnoughMenu() {
  const login = await fetch(`http://127.0.0.1:${APP_PORT}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `owner@${SLUG}.test`, password: 'demo-password-1' }),
  }).then((r) => r.json() as Promise<{ token: string }>)
  const staff = (path: string, body?: object) =>
    fetch(`http://127.0.0.1:${APP_PORT}/api/v1/menu${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'authorization': `Bearer ${login.token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    }).then((r) => r.json() as Promise<any>)
  // Grow the demo menu to about 20 KB of JSON, a large real menu: writing it weighs on each request.
  let size = Buffer.byteLength(JSON.stringify(await staff('')))
  let n = 0
  const { data: category } = await staff('/categories', {
    name: 'Bench specials',
    display_order: 9,
  })
  while (size < 20_500) {
    await staff('/items', {
      category_id: category.id,
      name: `Special #${++n}`,
      description: 'A seasonal blend with notes of caramel and citrus, served hot or iced',
      price_minor: 400 + n,
      currency: 'EUR',
      dietary_flags: ['vegetarian'],
      allergens: ['milk'],
    })
    if (n % 10 === 0) size = Buffer.byteLength(JSON.stringify(await staff('')))
  }
}

/** One Redis command over RESP (the benchmark needs two commands, not a client library). */
function redisCommand(...parts: string[]): Promise<string> {
  const url = new URL(REDIS_URL)
  const db = url.pathname.slice(1) || '0'
  const encode = (command: string[]) =>
    `*${command.length}\r\n${command.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port || 6379), url.hostname)
    let reply = ''
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      const lines = reply.split('\r\n')
      if (lines.length >= 3) {
        socket.end()
        if (lines[1].startsWith('-')) reject(new Error(lines[1]))
        else resolve(lines[1].replace(/^[:+]/, ''))
      }
    })
    socket.on('error', reject)
    socket.write(encode(['SELECT', db]) + encode(parts))
  })
}

async function shardCommits(): Promise<number> {
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  const name = new URL(DATABASE_URL).pathname.slice(1)
  const { rows } = await client.query(
    'SELECT sum(xact_commit)::bigint AS n FROM pg_stat_database WHERE datname = ANY($1)',
    [[`${name}_node0`, `${name}_node1`]]
  )
  await client.end()
  return Number(rows[0].n)
}

async function coldMisses(merchantId: string, count: number) {
  const url = `http://127.0.0.1:${APP_PORT}/api/v1/menus/${SLUG}`
  const latencies: number[] = []
  // PostgreSQL flushes an idle backend's statistics within about 10 s: wait before each reading.
  await new Promise((r) => setTimeout(r, 11_000))
  const commitsBefore = await shardCommits()
  for (let i = 0; i < count; i++) {
    // What a staff edit does: bump the version and tell every process (the server listens).
    const version = Number(await redisCommand('INCR', `menu:${merchantId}:version`))
    await redisCommand(
      'PUBLISH',
      'cache:menu:versions',
      JSON.stringify({ namespace: merchantId, version })
    )
    await new Promise((r) => setTimeout(r, 20))
    const started = process.hrtime.bigint()
    const response = await fetch(url)
    await response.arrayBuffer()
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (response.headers.get('x-cache') !== 'MISS')
      throw new Error(`expected a MISS, got ${response.headers.get('x-cache')}`)
  }
  await new Promise((r) => setTimeout(r, 11_000))
  const statements = ((await shardCommits()) - commitsBefore) / count
  return {
    p50: median(latencies),
    p99: [...latencies].sort((a, b) => a - b)[Math.ceil(latencies.length * 0.99) - 1],
    statements,
  }
}

async function main() {
  await requireHttpBench(env)
  prepareBuild(env, ['demo_seeder', 'menu_demo_seeder'])
  const app = startOnCore0(env, ['build/bin/server.js'])
  await waitFor(`http://127.0.0.1:${APP_PORT}/health`)
  const menuUrl = `http://127.0.0.1:${APP_PORT}/api/v1/menus/${SLUG}`
  const demo = await fetch(menuUrl)
  let body = Buffer.from(await demo.arrayBuffer())
  if (body.length < 19_000) {
    await bigEnoughMenu()
    await new Promise((r) => setTimeout(r, 50))
  }
  const first = await fetch(menuUrl)
  body = Buffer.from(await first.arrayBuffer())
  const hit = await fetch(menuUrl)
  console.log(`menu: ${body.length} bytes; second read X-Cache: ${hit.headers.get('x-cache')}`)

  const raw = await startRawServer(RAW_PORT, body, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'public, s-maxage=300, stale-while-revalidate=600',
    'ETag': first.headers.get('etag')!,
    'X-Cache': 'HIT-MEMORY',
  })
  const { a, b } = alternate(
    { url: menuUrl, pid: app.pid! },
    { url: `http://127.0.0.1:${RAW_PORT}/`, pid: raw.pid! },
    RUNS,
    SECONDS
  )
  console.log(
    `\nmedians of ${RUNS} alternated runs, ${SECONDS}s each, 50 connections (wrk on core 1, servers on core 0)`
  )
  console.log(formatSummary('(a) menu GET, cache hit, full app', a))
  console.log(formatSummary('(b) raw node:http, same bytes', b))
  console.log(
    `ratio a/b: ${(a.rps / b.rps).toFixed(2)} (goal >= 0.60)   p99 a/b at saturation: ${(a.p99 / b.p99).toFixed(2)}   cpu b/a: ${(b.cpu / a.cpu).toFixed(2)}`
  )

  // p99 at the same offered rate: half of what the full app sustains, well under both servers' saturation.
  const rate = Math.min(20_000, Math.round(a.rps / 2))
  const pacedA = paced(menuUrl, rate, SECONDS)
  const pacedB = paced(`http://127.0.0.1:${RAW_PORT}/`, rate, SECONDS)
  console.log(
    `at a fixed ${rate} req/s: a p50 ${pacedA.p50} ms p99 ${pacedA.p99} ms | b p50 ${pacedB.p50} ms p99 ${pacedB.p99} ms | p99 a/b ${(pacedA.p99 / pacedB.p99).toFixed(2)} (goal <= 1.5)`
  )

  const merchantId = JSON.parse(body.toString()).data.merchant_id
  const cold = await coldMisses(merchantId, 50)
  console.log(
    `cold miss (50 reads after a version bump): p50 ${cold.p50.toFixed(2)} ms  p99 ${cold.p99.toFixed(2)} ms  SQL statements per miss: ${cold.statements.toFixed(2)}`
  )
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(stopAll)
