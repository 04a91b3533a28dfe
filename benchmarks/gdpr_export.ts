/**
 * How long a GDPR export takes for a customer with 10,000 rows spread over merchants on both shard
 * nodes, against a baseline that fetches exactly the same rows with hand-written queries (no registry,
 * no request record, no audit entry, no document assembly). Runs alternated, medians printed.
 *
 *   npm run bench:gdpr_export
 * Env: BENCH_DATABASE_URL (default gudbro_bench_compliance on the local server, migrated first), BENCH_REDIS_URL.
 * BENCH_ROWS (default 10000) and BENCH_ROUNDS (default 5) change the size.
 */
import { randomUUID } from 'node:crypto'
import { bootApp, median, useBenchDatabase } from './support/boot_app.js'

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const MERCHANTS = 4

await useBenchDatabase('gudbro_bench_compliance', 9)
await bootApp()
const { default: db } = await import('@adonisjs/lucid/services/db')
const { onboarding } = await import('#tenancy/services/onboarding_service')
const { shardRouter } = await import('#tenancy/index')
const { gdprExport } = await import('#compliance/services/gdpr_export_service')
const { exportDocumentJson } = await import('#compliance/services/wire_format')

/** Merchants until both nodes hold some, then the customer's rows: 10% conversations, 70% messages, 20% notifications. */
async function seed(email: string) {
  const merchants: Array<{ id: string; shardId: number }> = []
  const nodes = new Set<string>()
  while (merchants.length < MERCHANTS || nodes.size < 2) {
    const slug = `bench-${randomUUID().slice(0, 8)}`
    const merchant = await onboarding.onboard({
      slug,
      name: slug,
      vertical: 'coffeeshop',
      tier: 'pre_ordering',
    })
    merchants.push(merchant)
    nodes.add(shardRouter.connectionForShard(merchant.shardId))
  }
  const perMerchant = Math.floor(ROWS / merchants.length)
  const conversations = Math.max(1, Math.floor(perMerchant * 0.1))
  const messagesPer = Math.floor((perMerchant * 0.7) / conversations)
  const notifications = perMerchant - conversations - conversations * messagesPer
  let total = 0
  for (const merchant of merchants) {
    const node = db.connection(shardRouter.connectionForShard(merchant.shardId))
    await node.rawQuery(
      `INSERT INTO conversations (merchant_id, customer_name, customer_email, token_hash)
       SELECT ?::uuid, 'Bench Customer', ?, md5(random()::text || g) FROM generate_series(1, ?) g`,
      [merchant.id, email, conversations]
    )
    await node.rawQuery(
      `INSERT INTO messages (merchant_id, conversation_id, sender_type, body)
       SELECT c.merchant_id, c.id, 'customer', 'message ' || g FROM conversations c, generate_series(1, ?) g
        WHERE c.merchant_id = ?::uuid`,
      [messagesPer, merchant.id]
    )
    await node.rawQuery(
      `INSERT INTO notification_queue (merchant_id, type, event, recipient, payload, status)
       SELECT ?::uuid, 'email', 'order.ready', ?, jsonb_build_object('n', g), 'completed' FROM generate_series(1, ?) g`,
      [merchant.id, email, notifications]
    )
    total += conversations + conversations * messagesPer + notifications
  }
  return { total, nodes: [...nodes] }
}

/** The same rows, fetched by hand on each node and serialised. */
async function baseline(email: string, nodes: string[]) {
  let rows = 0
  const found: unknown[] = []
  for (const name of nodes) {
    const node = db.connection(name)
    const { rows: conversations } = await node.rawQuery(
      'SELECT * FROM conversations WHERE lower(customer_email) = ?',
      [email]
    )
    const ids = conversations.map((c: { id: string }) => c.id)
    const { rows: messages } = await node.rawQuery(
      'SELECT * FROM messages WHERE conversation_id = ANY(?::uuid[])',
      [ids]
    )
    const { rows: notifications } = await node.rawQuery(
      'SELECT * FROM notification_queue WHERE lower(recipient) = ?',
      [email]
    )
    found.push(conversations, messages, notifications)
    rows += conversations.length + messages.length + notifications.length
  }
  // Serialised, as the export is (its key conversion is part of the subject).
  JSON.stringify(found)
  return rows
}

const email = `bench-${randomUUID().slice(0, 8)}@example.test`
const { total, nodes } = await seed(email)
console.log(`seeded ${total} rows for one customer across ${nodes.length} shard nodes`)

const subjectMs: number[] = []
const baselineMs: number[] = []
let exportedRows = 0
for (let round = 0; round < ROUNDS + 1; round++) {
  let began = performance.now()
  const { document } = await gdprExport.export({ email, reason: 'benchmark', via: 'command' })
  JSON.stringify(exportDocumentJson(document))
  const subject = performance.now() - began
  exportedRows = Object.values(document.counts).reduce((sum, n) => sum + n, 0)
  began = performance.now()
  await baseline(email, nodes)
  const base = performance.now() - began
  // The first round warms caches and connection pools.
  if (round > 0) {
    subjectMs.push(subject)
    baselineMs.push(base)
  }
}
const s = median(subjectMs)
const b = median(baselineMs)
console.log(
  `gdpr export: ${exportedRows} rows, median ${s.toFixed(0)} ms over ${ROUNDS} runs (${subjectMs.map((v) => v.toFixed(0)).join(', ')})`
)
console.log(
  `baseline (same rows, hand-written queries): median ${b.toFixed(0)} ms (${baselineMs.map((v) => v.toFixed(0)).join(', ')})`
)
console.log(`ratio export/baseline: ${(s / b).toFixed(2)}x`)
await db.manager.closeAll()
process.exit(0)
