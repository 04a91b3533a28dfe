/**
 * Menu benchmark (issue 3), in one go:
 *   (a) the cache-hit public menu GET through the whole production build;
 *   (b) raw node:http serving the same bytes from memory;
 * alternated A B A B A B with wrk (server on core 0, wrk on core 1), printing req/s, p50/p99, server
 * CPU per request and the ratio of medians a/b; then the cold-miss path: latency and SQL statements
 * per miss (pg_stat_database commits on the shard nodes: every autocommit statement is one).
 *
 *   node --import=ts-node-maintained/register/esm benchmarks/menu.ts [--no-build] [--runs 3] [--seconds 10]
 * Env: BENCH_DATABASE_URL (control db; nodes get _node0/_node1), BENCH_REDIS_URL.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import pg from 'pg'

const ROOT = new URL('../', import.meta.url).pathname
const args = process.argv.slice(2)
const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback)
const RUNS = flag('--runs', 3)
const SECONDS = flag('--seconds', 10)
const CONNECTIONS = 50
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gudbro_bench_menu'
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13'
const APP_PORT = 4513
const RAW_PORT = 4514
const SLUG = 'demo-coffee'
const env = {
  ...process.env,
  NODE_ENV: 'production',
  APP_KEY: 'bench-only-app-key-not-secret-0123456789',
  DATABASE_URL,
  REDIS_URL,
  HOST: '127.0.0.1',
  PORT: String(APP_PORT),
  LOG_LEVEL: 'warn',
  RATE_LIMIT_API: '100000000',
  RATE_LIMIT_AUTH: '1000',
}
const children: ChildProcess[] = []

function sh(command: string, commandArgs: string[]) {
  execFileSync(command, commandArgs, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] })
}

async function waitFor(url: string) {
  for (let i = 0; i < 200; i++) {
    if (await fetch(url).then((r) => r.ok).catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} never answered`)
}

function startOnCore0(file: string, extra: string[] = []) {
  const child = spawn('taskset', ['-c', '0', process.execPath, file, ...extra], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(child)
  return child
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

type Run = { rps: number; p50: number; p99: number; cpuUsPerRequest: number }

function toMs(value: string) {
  const number = Number.parseFloat(value)
  return value.endsWith('us') ? number / 1000 : value.endsWith('ms') ? number : number * 1000
}

function wrk(url: string, seconds: number, pid: number): Run {
  const before = cpuSeconds(pid)
  const out = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' })
  const cpu = cpuSeconds(pid) - before
  const requests = Number(/(\d+) requests in/.exec(out)![1])
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]),
    p50: toMs(/50%\s+([\d.]+\w+)/.exec(out)![1]),
    p99: toMs(/99%\s+([\d.]+\w+)/.exec(out)![1]),
    cpuUsPerRequest: (cpu / requests) * 1e6,
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

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
  // Grow the demo menu to about 20 KB of JSON (BENCHMARKING.md's reference size).
  let size = Buffer.byteLength(JSON.stringify(await staff('')))
  let n = 0
  const category = (await staff('/categories', { name: 'Bench specials', display_order: 9 })).data
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
  const encode = (command: string[]) => `*${command.length}\r\n${command.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`
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
  const { rows } = await client.query('SELECT sum(xact_commit)::bigint AS n FROM pg_stat_database WHERE datname = ANY($1)', [[`${name}_node0`, `${name}_node1`]])
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
    await redisCommand('PUBLISH', 'cache:menu:versions', JSON.stringify({ namespace: merchantId, version }))
    await new Promise((r) => setTimeout(r, 20))
    const started = process.hrtime.bigint()
    const response = await fetch(url)
    await response.arrayBuffer()
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (response.headers.get('x-cache') !== 'MISS') throw new Error(`expected a MISS, got ${response.headers.get('x-cache')}`)
  }
  await new Promise((r) => setTimeout(r, 11_000))
  const statements = ((await shardCommits()) - commitsBefore) / count
  return { p50: median(latencies), p99: [...latencies].sort((a, b) => a - b)[Math.ceil(latencies.length * 0.99) - 1], statements }
}

async function main() {
  if (!args.includes('--no-build')) sh(process.execPath, ['ace.js', 'build'])
  if (!existsSync(`${ROOT}build/node_modules`)) symlinkSync(`${ROOT}node_modules`, `${ROOT}build/node_modules`)
  sh(process.execPath, ['build/ace.js', 'migrate:all', '--create'])
  sh(process.execPath, ['build/ace.js', 'db:seed', '--files', 'database/seeders/demo_seeder.js'])
  sh(process.execPath, ['build/ace.js', 'db:seed', '--files', 'database/seeders/menu_demo_seeder.js'])

  const app = startOnCore0('build/bin/server.js')
  await waitFor(`http://127.0.0.1:${APP_PORT}/health`)
  const menuUrl = `http://127.0.0.1:${APP_PORT}/api/v1/menus/${SLUG}`
  let body = Buffer.from(await (await fetch(menuUrl)).arrayBuffer())
  if (body.length < 19_000) {
    await bigEnoughMenu()
    await new Promise((r) => setTimeout(r, 50))
  }
  const first = await fetch(menuUrl)
  body = Buffer.from(await first.arrayBuffer())
  const hit = await fetch(menuUrl)
  console.log(`menu: ${body.length} bytes; second read X-Cache: ${hit.headers.get('x-cache')}`)

  const file = `${ROOT}tmp/bench_menu_body.json`
  writeFileSync(file, body)
  const raw = spawn('taskset', ['-c', '0', process.execPath, '-e', `
    const body = require('fs').readFileSync(${JSON.stringify(file)})
    const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length,
      'Cache-Control': 'public, s-maxage=300, stale-while-revalidate=600', 'ETag': ${JSON.stringify(first.headers.get('etag'))}, 'X-Cache': 'HIT-MEMORY' }
    require('http').createServer((req, res) => { res.writeHead(200, headers); res.end(body) }).listen(${RAW_PORT}, '127.0.0.1')
  `], { stdio: 'inherit' })
  children.push(raw)
  const rawUrl = `http://127.0.0.1:${RAW_PORT}/`
  await waitFor(rawUrl)

  wrk(menuUrl, 3, app.pid!)
  wrk(rawUrl, 3, raw.pid!)
  const a: Run[] = []
  const b: Run[] = []
  for (let i = 0; i < RUNS; i++) {
    a.push(wrk(menuUrl, SECONDS, app.pid!))
    b.push(wrk(rawUrl, SECONDS, raw.pid!))
    console.log(`run ${i + 1}: a ${a[i].rps.toFixed(0)} req/s p99 ${a[i].p99.toFixed(2)} ms | b ${b[i].rps.toFixed(0)} req/s p99 ${b[i].p99.toFixed(2)} ms`)
  }
  const summary = (runs: Run[]) => ({
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpu: median(runs.map((r) => r.cpuUsPerRequest)),
  })
  const sa = summary(a)
  const sb = summary(b)
  const line = (name: string, s: ReturnType<typeof summary>) =>
    `${name.padEnd(34)} ${s.rps.toFixed(0).padStart(8)} req/s   p50 ${s.p50.toFixed(2)} ms   p99 ${s.p99.toFixed(2)} ms   cpu ${s.cpu.toFixed(1)} us/req`
  console.log(`\nmedians of ${RUNS} alternated runs, ${SECONDS}s each, ${CONNECTIONS} connections (wrk on core 1, servers on core 0)`)
  console.log(line('(a) menu GET, cache hit, full app', sa))
  console.log(line('(b) raw node:http, same bytes', sb))
  console.log(`ratio a/b: ${(sa.rps / sb.rps).toFixed(2)} (goal >= 0.60)   p99 a/b: ${(sa.p99 / sb.p99).toFixed(2)} (goal <= 1.5)`)
  // Adjacent runs share the machine's noise: their ratios are steadier than the ratio of medians.
  const pairs = a.map((run, i) => run.rps / b[i].rps)
  console.log(`per-pair ratios: ${pairs.map((r) => r.toFixed(2)).join(' ')}   median ${median(pairs).toFixed(2)}   CPU-per-request ratio b/a: ${(sb.cpu / sa.cpu).toFixed(2)}`)
  console.log('p99 is measured at saturation (closed-loop wrk), not at a fixed offered rate (wrk2 is not available here).')

  const merchantId = JSON.parse(body.toString()).data.merchant_id
  const cold = await coldMisses(merchantId, 50)
  console.log(`cold miss (50 reads after a version bump): p50 ${cold.p50.toFixed(2)} ms  p99 ${cold.p99.toFixed(2)} ms  SQL statements per miss: ${cold.statements.toFixed(2)}`)
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM')
  })
