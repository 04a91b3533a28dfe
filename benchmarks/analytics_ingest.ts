/**
 * Analytics ingestion benchmark, in one run:
 *   (a) POST /api/v1/analytics/events through the production build, batches of 100 events
 *       (validation, tenant resolution, rate limiter, one multi-row insert into the partitioned table);
 *   (b) the baseline: a raw node:http server doing a plain multi-row INSERT of the same rows into an
 *       unpartitioned table with the same columns and the same (merchant_id, created_at) and
 *       (event_type, created_at) indexes as analytics_events (no validation, no framework);
 * alternated A B A B A B with wrk (server on core 0, wrk on core 1), printing events/s, p50/p99, the
 * servers' CPU time per request and the ratio of medians a/b; then (c) the time to aggregate one UTC
 * day holding 1,000,000 events (analytics:aggregate, every merchant of every node). PostgreSQL
 * shares the same two cores.
 *
 *   npm run bench:analytics_ingest [-- --no-build --runs 3 --seconds 10 --events 1000000]
 * Env: BENCH_DATABASE_URL (control db; nodes get _node0/_node1), BENCH_REDIS_URL.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import pg from 'pg'
import {
  alternate,
  benchEnv,
  cliFlag,
  median,
  prepareBuild,
  requireHttpBench,
  ROOT,
  startOnCore0,
  stopAll,
  waitFor,
  type Summary,
} from './support/http_bench.js'

const RUNS = cliFlag('--runs', 3)
const SECONDS = cliFlag('--seconds', 10)
const SEEDED_EVENTS = cliFlag('--events', 1_000_000)
const BATCH = 100
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gudbro_bench_analytics'
const APP_PORT = 4523
const RAW_PORT = 4524
const SLUG = 'demo-coffee'
const AGGREGATED_DAY = '2030-05-05'
const env = benchEnv({
  DATABASE_URL,
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12',
  PORT: String(APP_PORT),
  // The per-client limit is the subject's, not the benchmark's: lift it so wrk is never throttled.
  RATE_LIMIT_INGEST: '100000000',
})
const nodeUrl = (node: number) => {
  const url = new URL(DATABASE_URL)
  url.pathname = `${url.pathname}_node${node}`
  return url.toString()
}

/** One command of the build, its standard output returned. */
function ace(args: string[]): string {
  return execFileSync(process.execPath, ['build/ace.js', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
}

/** The same 100 events for both subjects: a realistic mix of the public menu's event types. */
function batchBody(): string {
  const kinds = [
    { type: 'menu_view' },
    { type: 'item_click', data: { item_id: 'latte', name: 'Latte' } },
    { type: 'add_to_cart', data: { item_id: 'latte', quantity: 1 } },
    { type: 'item_click', data: { item_id: 'croissant', name: 'Croissant' } },
    { type: 'checkout_started', data: { item_count: 2 } },
  ]
  const events = Array.from({ length: BATCH }, (_, i) => ({
    ...kinds[i % kinds.length],
    session_id: `bench-session-${i % 20}`,
  }))
  return JSON.stringify({ events })
}

/** The baseline server: parse the batch, one plain multi-row INSERT ... VALUES, answer 202. */
const RAW_SERVER = `
const http = require('node:http')
const { Pool } = require('pg')
const pool = new Pool({ connectionString: process.env.RAW_DB_URL, max: 10 })
const merchantId = process.env.RAW_MERCHANT_ID
const shardId = Number(process.env.RAW_SHARD_ID)
http.createServer((req, res) => {
  if (req.method !== 'POST') return res.end('ok')
  let raw = ''
  req.on('data', (chunk) => (raw += chunk))
  req.on('end', async () => {
    const { events } = JSON.parse(raw)
    const now = new Date()
    const values = []
    const params = []
    for (const e of events) {
      const i = params.length
      values.push('($' + (i + 1) + ',$' + (i + 2) + ',$' + (i + 3) + ',$' + (i + 4) + ',$' + (i + 5) + ',$' + (i + 6) + ')')
      params.push(merchantId, shardId, e.session_id, e.type, JSON.stringify(e.data ?? {}), now)
    }
    await pool.query('INSERT INTO bench_events_plain (merchant_id, shard_id, session_id, event_type, event_data, created_at) VALUES ' + values.join(','), params)
    res.writeHead(202, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ data: { accepted: events.length } }))
  })
}).listen(${RAW_PORT}, '127.0.0.1')
`

async function seedOneDay(client: pg.Client, events: number) {
  // 200 merchants of this node's shards; a menu-like mix of types; orders carry totals and items.
  await client.query(`SELECT ensure_analytics_partition('${AGGREGATED_DAY}'::date)`)
  await client.query(
    `DELETE FROM analytics_events WHERE created_at >= '${AGGREGATED_DAY}' AND created_at < '${AGGREGATED_DAY}'::date + 1`
  )
  await client.query(`
    CREATE TEMP TABLE bench_merchants AS
    SELECT n, id, assign_shard(id) AS shard_id FROM (SELECT n, gen_random_uuid() AS id FROM generate_series(0, 199) n) m`)
  await client.query(
    `INSERT INTO analytics_events (merchant_id, shard_id, session_id, event_type, event_data, created_at)
     SELECT m.id, m.shard_id, 's-' || (g % 50000),
       (ARRAY['menu_view','menu_view','menu_view','item_click','item_click','add_to_cart','checkout_started','order_placed'])[1 + g % 8],
       CASE g % 8
         WHEN 3 THEN jsonb_build_object('item_id', 'item-' || (g % 37), 'name', 'Item ' || (g % 37))
         WHEN 4 THEN jsonb_build_object('item_id', 'item-' || (g % 23), 'name', 'Item ' || (g % 23))
         WHEN 5 THEN jsonb_build_object('item_id', 'item-' || (g % 29), 'quantity', 1 + g % 3)
         WHEN 7 THEN jsonb_build_object('order_id', 'o-' || g, 'total_minor', 350 + g % 900, 'currency', 'EUR',
           'items', jsonb_build_array(jsonb_build_object('item_id', 'item-' || (g % 31), 'name', 'Item ' || (g % 31), 'quantity', 1)))
         ELSE '{}'::jsonb END,
       '${AGGREGATED_DAY}'::timestamptz + (g % 86400) * interval '1 second'
     FROM generate_series(1, $1::int) g JOIN bench_merchants m ON m.n = g % 200`,
    [events]
  )
  await client.query('ANALYZE analytics_events')
}

async function main() {
  await requireHttpBench(env)
  prepareBuild(env)
  ace(['partitions:ensure'])

  const control = new pg.Client({ connectionString: DATABASE_URL })
  await control.connect()
  const merchants = await control.query('SELECT id, shard_id FROM merchants WHERE slug = $1', [
    SLUG,
  ])
  const merchant = merchants.rows[0]
  const shards = await control.query('SELECT connection_name FROM shard_map WHERE shard_id = $1', [
    merchant.shard_id,
  ])
  const node: string = shards.rows[0].connection_name
  await control.end()
  const shardUrl = nodeUrl(Number(node.replace('node', '')))
  const shardDb = new pg.Client({ connectionString: shardUrl })
  await shardDb.connect()
  await shardDb.query(`
    CREATE TABLE IF NOT EXISTS bench_events_plain (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), merchant_id uuid NOT NULL, shard_id integer NOT NULL,
      session_id text NOT NULL, event_type text NOT NULL, event_data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX IF NOT EXISTS bench_plain_merchant_created ON bench_events_plain (merchant_id, created_at DESC);
    CREATE INDEX IF NOT EXISTS bench_plain_type_created ON bench_events_plain (event_type, created_at DESC);`)

  mkdirSync(`${ROOT}tmp`, { recursive: true })
  const script = `${ROOT}tmp/bench_analytics_ingest.lua`
  const bodyFile = `${ROOT}tmp/bench_analytics_body.json`
  writeFileSync(bodyFile, batchBody())
  writeFileSync(
    script,
    `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Merchant"] = "${SLUG}"
local f = io.open("${bodyFile}", "rb"); wrk.body = f:read("*a"); f:close()
`
  )

  const app = startOnCore0(env, ['build/bin/server.js'])
  const raw = startOnCore0(
    {
      ...env,
      RAW_DB_URL: shardUrl,
      RAW_MERCHANT_ID: merchant.id,
      RAW_SHARD_ID: String(merchant.shard_id),
    },
    ['-e', RAW_SERVER]
  )
  const appUrl = `http://127.0.0.1:${APP_PORT}/api/v1/analytics/events`
  const rawUrl = `http://127.0.0.1:${RAW_PORT}/`
  await waitFor(`http://127.0.0.1:${APP_PORT}/health`)
  await waitFor(rawUrl)

  // A non-2xx answer stops the run (wrk in support/http_bench.ts): every batch counted was stored.
  const { a, b } = alternate(
    { url: appUrl, pid: app.pid!, script },
    { url: rawUrl, pid: raw.pid!, script },
    RUNS,
    SECONDS
  )
  stopAll()

  const summary = (s: Summary) =>
    `${Math.round(s.rps * BATCH)} events/s (p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms per batch of ${BATCH}, cpu ${s.cpu.toFixed(0)} us per request)`
  console.log(
    `\nmedians of ${RUNS} alternated runs, ${SECONDS}s each, 50 connections (wrk on core 1, servers on core 0)`
  )
  console.log(`(a) HTTP ingestion, partitioned:  ${summary(a)}`)
  console.log(`(b) plain multi-row insert:      ${summary(b)}`)
  console.log(
    `ratio a/b: ${(a.rps / b.rps).toFixed(2)}  (goal >= 0.5, and a >= 20000 events/s)   cpu a/b: ${(a.cpu / b.cpu).toFixed(2)}`
  )

  console.log(
    `\nseeding ${SEEDED_EVENTS.toLocaleString('en')} events on ${AGGREGATED_DAY} (${node})...`
  )
  await seedOneDay(shardDb, SEEDED_EVENTS)
  await shardDb.query('DROP TABLE IF EXISTS bench_events_plain')
  await shardDb.end()
  const timings: number[] = []
  for (let run = 0; run < 3; run++) {
    const out = ace(['analytics:aggregate', '--from', AGGREGATED_DAY, '--to', AGGREGATED_DAY])
    timings.push(Number(/\((\d+) ms\)/.exec(out)![1]))
    console.log(out.trim())
  }
  console.log(
    `(c) aggregation of one day over ${SEEDED_EVENTS.toLocaleString('en')} events: median ${median(timings)} ms (runs: ${timings.join(', ')} ms)`
  )
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(stopAll)
