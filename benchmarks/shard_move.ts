/**
 * A shard move (ShardMover, what `node ace shards:move` runs) against baselines from the same run, on two
 * PostgreSQL 15 servers of its own (scripts/shard_servers.ts). One shard's rows are seeded on node0, the
 * only rows in those tables; each run moves it to the other node (then completes) and, in alternating order:
 *  - copy: rows/s from move start to the end of catch_up, and to switched, vs `pg_dump --data-only` of the
 *    same rows piped into `psql` on a scratch database of the other server (same schema, triggers off as
 *    on a subscriber); server CPU per row (both postmaster trees, /proc), net of the writers' idle rate;
 *  - writers (small transactions through shardRouter.transaction as a tenant) on the moving shard and on
 *    another shard of the source node run in every phase: their pause at cutover, and their p99 during the
 *    move vs an idle phase with no copy.
 *
 *   npm run bench:shard_move -- [--rows 200000] [--runs 3] [--writers 4] [--pause-ms 10] [--idle-seconds 5]
 * Env: BENCH_DATABASE_URL (control db, default gudbro_bench_shard_move on the local server, dropped first),
 * BENCH_REDIS_URL (default db 13).
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import pg from 'pg'
import { startShardServers } from '../scripts/shard_servers.js'
import { bootApp, median, percentile, useBenchDatabase } from './support/boot_app.js'
import { cliFlag } from './support/http_bench.js'

const ROWS = cliFlag('--rows', 200_000)
const RUNS = cliFlag('--runs', 3)
const WRITERS = cliFlag('--writers', 4)
const PAUSE_MS = cliFlag('--pause-ms', 10)
const IDLE_MS = cliFlag('--idle-seconds', 5) * 1000
const SHARD = 3 // on node0 in the default placement
const CONTROL_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gudbro_bench_shard_move'
const DB_NAME = new URL(CONTROL_URL).pathname.slice(1)
const SCRATCH = 'gudbro_bench_dump'
const TABLES = ['menu_categories', 'menu_items', 'orders', 'order_items', 'conversations'].concat([
  'messages',
  'analytics_events',
])
const PG_BIN = `/usr/lib/postgresql/${readdirSync('/usr/lib/postgresql').sort().at(-1)}/bin`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One statement on its own session (admin work outside the app's pools). */
async function sql<Row = any>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const result = await client.query(text, values)
    return result.rows as Row[]
  } finally {
    await client.end()
  }
}
const onDb = (url: string, database: string) =>
  Object.assign(new URL(url), { pathname: `/${database}` }).toString()

/** CPU seconds of a postmaster and its children, exited ones included (reaped into cutime/cstime). */
function treeCpu(postmaster: number): number {
  const stat = (pid: string) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  let ticks = 0
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const f = stat(pid)
      if (pid === String(postmaster)) ticks += +f[11] + +f[12] + +f[13] + +f[14]
      else if (f[1] === String(postmaster)) ticks += +f[11] + +f[12]
    } catch {} // gone meanwhile
  }
  return ticks / 100
}

await sql(onDb(CONTROL_URL, 'postgres'), `DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`)
const { servers, stop } = await startShardServers(['node0', 'node1'])
let exitCode = 0
try {
  const urls = Object.fromEntries(servers.map((s) => [s.name, s.url(DB_NAME)]))
  process.env.SHARD_NODE_URLS = servers.map((s) => `${s.name}=${s.url(DB_NAME)}`).join(',')
  process.env.BENCH_REDIS_URL ??= 'redis://127.0.0.1:6379/13'
  process.env.BENCH_DATABASE_URL = CONTROL_URL
  await useBenchDatabase(DB_NAME, 13)
  // The scratch databases: the nodes' schema exactly, before the app holds connections to them.
  for (const s of servers)
    await sql(s.url('postgres'), `CREATE DATABASE ${SCRATCH} TEMPLATE ${DB_NAME}`)
  const postmasters: number[] = []
  for (const s of servers) {
    const [{ data_directory: dir }] = await sql(s.url('postgres'), 'SHOW data_directory')
    postmasters.push(Number(readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n')[0]))
  }
  const serverCpu = () => postmasters.reduce((sum, pid) => sum + treeCpu(pid), 0)

  await bootApp()
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { shardRouter, runWithTenant, ShardMover } = await import('#tenancy/index')

  /** Merchant ids whose assign_shard() is `shard`. */
  async function merchantsOf(shard: number, count: number): Promise<string[]> {
    const rows = await sql(
      urls.node0,
      `SELECT id::text FROM (SELECT gen_random_uuid() AS id
      FROM generate_series(1, 3000)) s WHERE assign_shard(id) = $1 LIMIT $2`,
      [shard, count]
    )
    return rows.map((row) => row.id)
  }

  /** Writers' rows: one order_daily_counters row each, bumped by every write. */
  async function writerRows(shard: number) {
    const ids = await merchantsOf(shard, WRITERS)
    await sql(
      urls[shardRouter.connectionForShard(shard)],
      `INSERT INTO order_daily_counters
      (merchant_id, business_date, last_number) SELECT unnest($1::uuid[]), '2000-01-01', 0`,
      [ids]
    )
    return ids
  }

  async function seed(merchants: string[]) {
    const n = (share: number) => Math.max(1, Math.round(ROWS * share))
    const statements = [
      `INSERT INTO menu_categories (merchant_id, name) SELECT m, 'Category ' || g FROM unnest($1::uuid[]) m, generate_series(1, 5) g`,
      `WITH c AS (SELECT merchant_id, id, row_number() OVER () - 1 AS k, count(*) OVER () AS n FROM menu_categories)
       INSERT INTO menu_items (merchant_id, category_id, name, price_minor, currency, allergens)
       SELECT c.merchant_id, c.id, 'Item ' || g, 100 + g % 900, 'EUR', '["milk"]' FROM generate_series(1, ${n(0.06)}) g JOIN c ON c.k = g % c.n`,
      `INSERT INTO orders (merchant_id, business_date, number, status, customer_name, customer_email, currency, subtotal_minor, total_minor, tracking_token_hash, created_at)
       SELECT ($1::uuid[])[1 + g % 8], current_date, g, 'completed', 'Guest ' || g, 'guest' || g || '@mail.test', 'EUR', 450, 450, md5('t' || g || random()), now() - g * interval '1 second'
       FROM generate_series(1, ${n(0.12)}) g`,
      `INSERT INTO order_items (merchant_id, order_id, position, menu_item_id, name, quantity, base_price_minor, unit_price_minor, line_total_minor, modifiers)
       SELECT o.merchant_id, o.id, p, gen_random_uuid(), 'Flat white', 1, 225, 225, 225, '[{"name": "oat milk", "price_delta_minor": 40}]' FROM orders o, generate_series(1, 2) p`,
      `INSERT INTO conversations (merchant_id, customer_name, token_hash)
       SELECT ($1::uuid[])[1 + g % 8], 'Guest ' || g, md5('c' || g || random()) FROM generate_series(1, ${n(0.02)}) g`,
      `INSERT INTO messages (merchant_id, conversation_id, sender_type, body)
       SELECT c.merchant_id, c.id, CASE WHEN p % 2 = 0 THEN 'customer' ELSE 'staff' END, 'Message number ' || p || ' about the order'
       FROM conversations c, generate_series(1, 8) p`,
      `INSERT INTO analytics_events (merchant_id, session_id, event_type, event_data, created_at)
       SELECT ($1::uuid[])[1 + g % 8], 's' || g / 5, 'menu_view', jsonb_build_object('item_id', g % 50), now() - (g % 86400) * interval '1 second'
       FROM generate_series(1, ${ROWS - n(0.06) - n(0.12) * 3 - n(0.02) * 9 - 40}) g`,
    ]
    for (const text of statements)
      await sql(urls.node0, text, text.includes('$1') ? [merchants] : [])
  }

  /** Rows of the seeded tables on a node, after VACUUM ANALYZE (hint bits set, pages cached). */
  async function prepareHome(node: string) {
    await sql(urls[node], `VACUUM ANALYZE ${TABLES.join(', ')}`)
    const counts = await Promise.all(
      TABLES.map((t) => sql(urls[node], `SELECT count(*)::int AS n FROM ${t}`))
    )
    return counts.reduce((sum, [row]) => sum + row.n, 0)
  }

  type Sample = { at: number; ms: number }
  function startWriters(shard: number, merchants: string[]) {
    let stopped = false
    const samples: Sample[] = []
    const errors: string[] = []
    const loops = merchants.map(async (merchantId) => {
      const tenant = { merchantId, slug: merchantId, tier: 'pre_ordering' as const, shardId: shard }
      const context = {
        ...tenant,
        modules: new Set<string>(),
        brandId: null,
        locationId: null,
        timezone: 'UTC',
      }
      while (!stopped) {
        const at = performance.now()
        try {
          await runWithTenant(context, () =>
            shardRouter.transaction((trx) =>
              trx.rawQuery(
                `UPDATE order_daily_counters SET last_number = last_number + 1 WHERE merchant_id = ? AND business_date = '2000-01-01'`,
                [merchantId]
              )
            )
          )
          samples.push({ at, ms: performance.now() - at })
        } catch (error) {
          errors.push((error as Error).message)
        }
        await sleep(PAUSE_MS)
      }
    })
    return { samples, errors, stop: async () => ((stopped = true), await Promise.all(loops)) }
  }
  const latencies = (samples: Sample[], from: number, to: number) =>
    samples.filter((s) => s.at >= from && s.at < to).map((s) => s.ms)

  /** pg_dump of the seeded tables (partitions too) | psql into the other server's scratch database. */
  async function dumpCopy(source: string, target: string, rows: number) {
    const [{ leaves }] = await sql(
      urls[source],
      `SELECT array_agg(relid::text) AS leaves FROM pg_partition_tree('analytics_events') WHERE isleaf`
    )
    const tables = [...TABLES, ...leaves].map((t: string) => `-t ${t}`).join(' ')
    const scratch = onDb(urls[target], SCRATCH)
    const command = `${PG_BIN}/pg_dump --data-only --disable-triggers --load-via-partition-root ${tables} '${urls[source]}' | ${PG_BIN}/psql -X -q -v ON_ERROR_STOP=1 '${scratch}'`
    const cpu = serverCpu()
    const began = performance.now()
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`pg_dump | psql exited ${code}`))
      )
    })
    const seconds = (performance.now() - began) / 1000
    const cpuSeconds = serverCpu() - cpu
    const copied = await Promise.all(
      TABLES.map((t) => sql(scratch, `SELECT count(*)::int AS n FROM ${t}`))
    )
    const total = copied.reduce((sum, [row]) => sum + row.n, 0)
    if (total !== rows) throw new Error(`pg_dump | psql copied ${total} rows, not ${rows}`)
    await sql(scratch, `TRUNCATE ${TABLES.join(', ')} CASCADE`)
    return { seconds, cpuSeconds }
  }

  const progress = { stepAt: {} as Record<string, number>, rowsTotal: 0, cpuAtVerify: 0 }
  const mover = new ShardMover(shardRouter, {
    nodeUrls: urls,
    controlUrl: CONTROL_URL,
    report: (p) => {
      if (p.step === 'verify' && !progress.stepAt.verify) progress.cpuAtVerify = serverCpu()
      progress.stepAt[p.step] ??= performance.now()
      if (p.rowsTotal !== undefined) progress.rowsTotal = p.rowsTotal
    },
  })

  async function moveOnce(target: string) {
    progress.stepAt = {}
    const cpu = serverCpu()
    const began = performance.now()
    const move = await mover.move(SHARD, target, 'benchmark')
    const switchedAt = performance.now()
    // The pause ends at the flip ('switch' reports it); move() returns after the summaries' refresh.
    // Catch-up ends where verification begins (it compares while writes go on); the pause is the fence.
    const { verify: verifyAt, fence: fenceAt, switch: flippedAt } = progress.stepAt
    return {
      began,
      fenceAt,
      flippedAt,
      switchedAt,
      fenceMs: move.fence_ms ?? Number.NaN,
      rows: progress.rowsTotal,
      prepareSeconds: (progress.stepAt.copy - began) / 1000,
      copySeconds: (verifyAt - began) / 1000,
      totalSeconds: (switchedAt - began) / 1000,
      copyCpuSeconds: progress.cpuAtVerify - cpu,
      cpuSeconds: serverCpu() - cpu,
    }
  }

  const moving = await merchantsOf(SHARD, 8)
  await seed(moving)
  const movingWriters = await writerRows(SHARD)
  const [otherOn0, otherOn1] = [shardRouter.shardsOn('node0'), shardRouter.shardsOn('node1')].map(
    (shards) => shards.find((s) => s !== SHARD)!
  )
  const others = {
    node0: { shard: otherOn0, ids: await writerRows(otherOn0) },
    node1: { shard: otherOn1, ids: await writerRows(otherOn1) },
  }
  const seeded = await prepareHome('node0')
  console.log(
    `seeded ${seeded} rows of shard ${SHARD} on node0 (${TABLES.join(', ')}); ${RUNS} runs, ${WRITERS}+${WRITERS} writers pausing ${PAUSE_MS} ms`
  )

  const results: Array<Record<string, number>> = []
  for (let run = 0; run < RUNS; run++) {
    const source = shardRouter.connectionForShard(SHARD)
    const target = source === 'node0' ? 'node1' : 'node0'
    const other = others[source as 'node0' | 'node1']
    const w = {
      moving: startWriters(SHARD, movingWriters),
      other: startWriters(other.shard, other.ids),
    }
    const t0 = performance.now()
    const idleCpu = serverCpu()
    await sleep(IDLE_MS)
    const writersCpuPerSecond = (serverCpu() - idleCpu) / (IDLE_MS / 1000)
    const idleEnd = performance.now()
    const r: Record<string, number> = {}
    const doDump = async (from: string, to: string) => {
      const rows = await prepareHome(from)
      const dump = await dumpCopy(from, to, rows)
      r.dumpRowsPerS = rows / dump.seconds
      r.dumpCpuUsPerRow = ((dump.cpuSeconds - writersCpuPerSecond * dump.seconds) / rows) * 1e6
    }
    if (run % 2 === 0) await doDump(source, target)
    const rows = await prepareHome(source)
    const m = await moveOnce(target)
    await sleep(1000)
    if (run % 2 === 1) {
      await mover.complete(SHARD)
      await doDump(target, source) // from the new home: the same rows
    }
    await Promise.all([w.moving.stop(), w.other.stop()])
    if (run % 2 === 0) await mover.complete(SHARD)
    const failed = [...w.moving.errors, ...w.other.errors]
    if (failed.length)
      console.log(`run ${run + 1}: ${failed.length} writes failed, e.g. ${failed[0]}`)
    if (m.rows < rows) throw new Error(`the move reported ${m.rows} rows, ${rows} are there`)
    // Writes to the moving shard begun while the fence was up: the ones it paused.
    const paused = latencies(w.moving.samples, m.fenceAt, m.flippedAt)
    Object.assign(r, {
      moveRowsPerS: m.rows / m.copySeconds,
      moveToSwitchedRowsPerS: m.rows / m.totalSeconds,
      prepareSeconds: m.prepareSeconds,
      copySeconds: m.copySeconds,
      totalSeconds: m.totalSeconds,
      copyCpuUsPerRow: ((m.copyCpuSeconds - writersCpuPerSecond * m.copySeconds) / m.rows) * 1e6,
      moveCpuUsPerRow: ((m.cpuSeconds - writersCpuPerSecond * m.totalSeconds) / m.rows) * 1e6,
      pauseP50: percentile(paused, 50),
      pauseP99: percentile(paused, 99),
      pauseMax: Math.max(...paused),
      fenceMs: m.fenceMs,
      movingIdleP99: percentile(latencies(w.moving.samples, t0, idleEnd), 99),
      movingMoveP99: percentile(latencies(w.moving.samples, m.began, m.switchedAt), 99),
      otherIdleP99: percentile(latencies(w.other.samples, t0, idleEnd), 99),
      otherMoveP99: percentile(latencies(w.other.samples, m.began, m.switchedAt), 99),
      otherFenceMax: Math.max(...latencies(w.other.samples, m.fenceAt, m.flippedAt), 0),
    })
    results.push(r)
    console.log(
      `run ${run + 1}: ${source} -> ${target}, ${m.rows} rows, other shard ${other.shard}: ` +
        Object.entries(r)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')
    )
  }

  const med = (key: string) => median(results.map((r) => r[key]))
  const row = (label: string, subject: number, baseline?: number) =>
    console.log(
      `${label.padEnd(50)} ${subject.toFixed(1).padStart(10)} ${baseline === undefined ? '' : `${baseline.toFixed(1).padStart(10)}  ${(subject / baseline).toFixed(2)}x`}`
    )
  console.log(
    `\n${`medians of ${RUNS} runs, ${seeded} rows`.padEnd(50)} ${'move'.padStart(10)} ${'baseline'.padStart(10)}  ratio`
  )
  const table: Array<[string, string, string?]> = [
    ['copy rows/s (to end of catch_up | pg_dump)', 'moveRowsPerS', 'dumpRowsPerS'],
    ['rows/s to switched | pg_dump', 'moveToSwitchedRowsPerS', 'dumpRowsPerS'],
    ['seconds in prepare (before the copy starts)', 'prepareSeconds'],
    ['seconds to end of catch_up', 'copySeconds'],
    ['seconds to switched', 'totalSeconds'],
    ['server CPU µs/row (to end of catch_up | pg_dump)', 'copyCpuUsPerRow', 'dumpCpuUsPerRow'],
    ['server CPU µs/row (to switched | pg_dump)', 'moveCpuUsPerRow', 'dumpCpuUsPerRow'],
    ['write pause at cutover p50 ms', 'pauseP50'],
    ['write pause at cutover p99 ms', 'pauseP99'],
    ['write pause at cutover max ms', 'pauseMax'],
    ["mover's fence_ms", 'fenceMs'],
    ['p99 ms, moving shard (move | idle)', 'movingMoveP99', 'movingIdleP99'],
    ['p99 ms, other shard on source (move | idle)', 'otherMoveP99', 'otherIdleP99'],
    ['max ms, other shard during the fence', 'otherFenceMax'],
  ]
  for (const [label, subject, baseline] of table)
    row(label, med(subject), baseline ? med(baseline) : undefined)
  await db.manager.closeAll()
} catch (error) {
  console.error(error)
  exitCode = 1
} finally {
  await stop()
}
process.exit(exitCode)
