/**
 * Kernel benchmark: a tenant-scoped route through the full middleware stack (request id,
 * body parser, auth init, tenant resolution from the X-Merchant header through the merchant cache,
 * Redis rate limiter, module gate, controller) against raw node:http returning the same bytes.
 * Also a staff route (access token + membership + shard read) for reference.
 *
 *   npm run bench:kernel [-- --no-build --runs 3 --seconds 10]
 * Env: BENCH_DATABASE_URL (control db; nodes get _node0/_node1), BENCH_REDIS_URL.
 */
import {
  alternate,
  benchEnv,
  cliFlag,
  formatSummary,
  prepareBuild,
  requireHttpBench,
  startOnCore0,
  startRawServer,
  stopAll,
  waitFor,
  wrk,
} from './support/http_bench.js'

const APP_PORT = 4523
const RAW_PORT = 4524
const env = benchEnv({
  DATABASE_URL:
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gudbro_bench_kernel',
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/8',
  PORT: String(APP_PORT),
})

async function main() {
  const runs = cliFlag('--runs', 3)
  const seconds = cliFlag('--seconds', 10)
  await requireHttpBench(env)
  prepareBuild(env)
  const app = startOnCore0(env, ['build/bin/server.js'])
  await waitFor(`http://127.0.0.1:${APP_PORT}/health`)

  const login = await fetch(`http://127.0.0.1:${APP_PORT}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@demo-coffee.test', password: 'demo-password-1' }),
  }).then((r) => r.json() as Promise<{ token: string }>)
  const url = `http://127.0.0.1:${APP_PORT}/api/v1/tenancy/merchant`
  const headers = { 'X-Merchant': 'demo-coffee' }
  const sample = await fetch(url, { headers })
  const body = Buffer.from(await sample.arrayBuffer())
  const raw = await startRawServer(RAW_PORT, body, {
    'Content-Type': sample.headers.get('content-type')!,
    'Cache-Control': 'public, max-age=60',
  })
  console.log(
    `subject: GET /api/v1/tenancy/merchant (X-Merchant: demo-coffee), ${body.length} bytes`
  )

  const { a, b } = alternate(
    { url, pid: app.pid!, headers },
    { url: `http://127.0.0.1:${RAW_PORT}/`, pid: raw.pid! },
    runs,
    seconds
  )
  console.log(
    `\nmedians of ${runs} alternated runs, ${seconds}s each, 50 connections (wrk on core 1, servers on core 0)`
  )
  console.log(formatSummary('(a) tenant-scoped route, full stack', a))
  console.log(formatSummary('(b) raw node:http, same bytes', b))
  console.log(
    `ratio a/b: ${(a.rps / b.rps).toFixed(2)}   p99 a/b: ${(a.p99 / b.p99).toFixed(2)}   cpu a/b: ${(a.cpu / b.cpu).toFixed(2)}`
  )

  const staff = wrk(
    {
      url: `http://127.0.0.1:${APP_PORT}/api/v1/tenancy/locations`,
      pid: app.pid!,
      headers: { Authorization: `Bearer ${login.token}` },
    },
    seconds
  )
  console.log(
    formatSummary('(c) staff route: token + membership + shard read', {
      ...staff,
      cpu: staff.cpuUsPerRequest,
    })
  )
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(stopAll)
