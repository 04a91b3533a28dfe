/**
 * archive:run throughput (rows/s) of the verified batch mover (moveRowsBatch: lock a batch, checksum
 * it, copy, checksum the copy, delete) against a bare mover (DELETE ... RETURNING into INSERT, same
 * batch size, no verification), on one shard node. Runs alternated, medians printed.
 *
 *   npm run bench:archive_mover
 * Env: BENCH_DATABASE_URL (default gudbro_bench_archive on the local server, migrated first), BENCH_REDIS_URL.
 */
import { bootApp, median, useBenchDatabase } from './support/boot_app.js'

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000)
const BATCH = Number(process.env.BENCH_BATCH ?? 1000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

await useBenchDatabase('gudbro_bench_archive', 10)
await bootApp()
const { default: db } = await import('@adonisjs/lucid/services/db')
const { shardRouter } = await import('#tenancy/index')
const { moveRowsBatch } = await import('#core/archiving/archivable')

const node = db.connection(shardRouter.nodes()[0])
const CUTOFF = `now() - interval '6 months'`

async function reset() {
  await node.rawQuery(`
    DROP TABLE IF EXISTS bench_orders, bench_orders_archive;
    CREATE TABLE bench_orders (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), merchant_id uuid NOT NULL, status text NOT NULL,
      total_cents integer NOT NULL, items jsonb NOT NULL, finished_at timestamptz NOT NULL);
    CREATE INDEX bench_orders_finished_idx ON bench_orders (finished_at);
    CREATE TABLE bench_orders_archive (LIKE bench_orders INCLUDING ALL);`)
  await node.rawQuery(
    `INSERT INTO bench_orders (merchant_id, status, total_cents, items, finished_at)
     SELECT gen_random_uuid(), 'completed', g, jsonb_build_array(jsonb_build_object('sku', 'coffee', 'qty', 1 + g % 3)), now() - interval '200 days'
       FROM generate_series(1, ?) g`,
    [ROWS]
  )
  await node.rawQuery('VACUUM ANALYZE bench_orders')
}

async function timed(moveBatch: () => Promise<number>) {
  await reset()
  const began = performance.now()
  let moved = 0
  for (;;) {
    const n = await moveBatch()
    if (n === 0) break
    moved += n
  }
  if (moved !== ROWS) throw new Error(`moved ${moved} of ${ROWS}`)
  return ROWS / ((performance.now() - began) / 1000)
}

const verified = () =>
  node.transaction(async (trx) => {
    const { moved } = await moveRowsBatch(trx, {
      from: 'bench_orders',
      to: 'bench_orders_archive',
      key: 'id',
      where: `finished_at < ${CUTOFF}`,
      bindings: [],
      batchSize: BATCH,
    })
    return moved
  })

const bare = () =>
  node.transaction(async (trx) => {
    const result = await trx.rawQuery(
      `WITH moved AS (DELETE FROM bench_orders WHERE id IN (SELECT id FROM bench_orders WHERE finished_at < ${CUTOFF} LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING *)
       INSERT INTO bench_orders_archive SELECT * FROM moved`,
      [BATCH]
    )
    return result.rowCount ?? 0
  })

const subject: number[] = []
const baseline: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  subject.push(await timed(verified))
  baseline.push(await timed(bare))
}
await node.rawQuery('DROP TABLE IF EXISTS bench_orders, bench_orders_archive')
console.log(
  `verified mover: median ${median(subject).toFixed(0)} rows/s (${subject.map((v) => v.toFixed(0)).join(', ')}), ${ROWS} rows, batches of ${BATCH}`
)
console.log(
  `bare mover:     median ${median(baseline).toFixed(0)} rows/s (${baseline.map((v) => v.toFixed(0)).join(', ')})`
)
console.log(`ratio verified/bare: ${(median(subject) / median(baseline)).toFixed(2)}x`)
await db.manager.closeAll()
process.exit(0)
