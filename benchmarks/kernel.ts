/**
 * Kernel benchmark. One production server, four targets, alternated:
 * (r) raw node:http returning the tenant route's bytes;
 * (t) the tenant route by X-Merchant through the full middleware stack (request id, body parser, auth
 *     init, tenant resolution through the merchant cache, Redis rate limiter, module gate, controller);
 * (s) the same route with a staff bearer token instead (the same work but the authentication);
 * (l) the staff read route GET /api/v1/tenancy/locations (token, membership, one shard read).
 * Prints each with req/s, p50, p99 and server CPU per request, and the ratios the goals are stated in.
 *
 *   npm run bench:kernel [-- --no-build --runs 3 --seconds 10]
 * Env: BENCH_DATABASE_URL (control db; nodes get _node0/_node1), BENCH_REDIS_URL.
 */
import {
  alternateAll,
  benchEnv,
  cliFlag,
  formatRatio,
  formatSummary,
  prepareBuild,
  requireHttpBench,
  startOnCore0,
  startRawServer,
  stopAll,
  waitFor,
} from './support/http_bench.js'

const APP_PORT = 4523
const RAW_PORT = 4524
const env = benchEnv({
  DATABASE_URL:
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gudbro_bench_kernel',
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/8',
  PORT: String(APP_PORT),
})
const app = (path: string) => `http://127.0.0.1:${APP_PORT}${path}`

/** A staff token of the demo merchant's owner (bound to that merchant). */
async function staffToken() {
  const response = await fetch(app('/api/v1/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@demo-coffee.test', password: 'demo-password-1' }),
  })
  const { token } = (await response.json()) as { token: string }
  return token
}

/** Fetches once and fails unless the answer is a 200 with the same bytes as `expected` (when given). */
async function sample(url: string, headers: Record<string, string>, expected?: Buffer) {
  const response = await fetch(url, { headers })
  const body = Buffer.from(await response.arrayBuffer())
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body}`)
  if (expected && !body.equals(expected))
    throw new Error(`${url}: not the same bytes: ${body} vs ${expected}`)
  return { body, contentType: response.headers.get('content-type')! }
}

async function main() {
  const runs = cliFlag('--runs', 3)
  const seconds = cliFlag('--seconds', 10)
  await requireHttpBench(env)
  prepareBuild(env)
  const server = startOnCore0(env, ['build/bin/server.js'])
  await waitFor(app('/health'))

  const merchantUrl = app('/api/v1/tenancy/merchant')
  const tenantHeaders = { 'X-Merchant': 'demo-coffee' }
  const staffHeaders = { Authorization: `Bearer ${await staffToken()}` }
  const tenant = await sample(merchantUrl, tenantHeaders)
  await sample(merchantUrl, staffHeaders, tenant.body)
  const locations = await sample(app('/api/v1/tenancy/locations'), staffHeaders)
  const raw = await startRawServer(RAW_PORT, tenant.body, {
    'Content-Type': tenant.contentType,
    'Cache-Control': 'public, max-age=60',
  })
  console.log(
    `subject: GET /api/v1/tenancy/merchant (${tenant.body.length} bytes) by X-Merchant and by staff token; ` +
      `staff read: GET /api/v1/tenancy/locations (${locations.body.length} bytes)`
  )

  const [r, t, s, l] = alternateAll(
    [
      { name: 'r', url: `http://127.0.0.1:${RAW_PORT}/`, pid: raw.pid! },
      { name: 't', url: merchantUrl, pid: server.pid!, headers: tenantHeaders },
      { name: 's', url: merchantUrl, pid: server.pid!, headers: staffHeaders },
      { name: 'l', url: app('/api/v1/tenancy/locations'), pid: server.pid!, headers: staffHeaders },
    ],
    runs,
    seconds
  )
  console.log(
    `\nmedians of ${runs} alternated runs, ${seconds}s each, 50 connections (wrk on core 1, servers on core 0)`
  )
  console.log(formatSummary('(r) raw node:http, same bytes', r))
  console.log(formatSummary('(t) tenant route, X-Merchant', t))
  console.log(formatSummary('(s) tenant route, staff token', s))
  console.log(formatSummary('(l) staff read: token + shard read', l))
  console.log('')
  console.log(formatRatio('t/r  tenant route vs raw node:http', t, r))
  console.log(
    formatRatio('s/t  staff token vs X-Merchant', s, t) + '   (goal: ratio ≥ 0.80, p99 ≤ 1.5x)'
  )
  console.log(formatRatio('l/t  staff read vs tenant route', l, t) + '   (goal: ratio ≥ 0.50)')
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(stopAll)
