/**
 * What handing the actor to PostgreSQL costs: autocommit UPDATEs of an audited table (merchants) and
 * short transactions, with an actor (settings sent, autocommit writes wrapped in a transaction) and
 * without one (the statement alone). Same trigger both ways; runs alternated, medians printed.
 *
 *   npm run bench:audit_session
 * Env: BENCH_DATABASE_URL (default gudbro_bench_audit on the local server, migrated first), BENCH_REDIS_URL.
 */
import { randomUUID } from 'node:crypto'
import { bootApp, median, useBenchDatabase } from './support/boot_app.js'

const WRITES = Number(process.env.BENCH_WRITES ?? 2000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)

await useBenchDatabase('gudbro_bench_audit', 11)
await bootApp()
const { default: db } = await import('@adonisjs/lucid/services/db')
const { runWithActor } = await import('#core/database/actor_context')
const { onboarding } = await import('#tenancy/services/onboarding_service')

const slug = `bench-${randomUUID().slice(0, 8)}`
const merchant = await onboarding.onboard({
  slug,
  name: slug,
  vertical: 'coffeeshop',
  tier: 'pre_ordering',
})
const control = db.connection('control')

async function autocommitWrites() {
  const began = performance.now()
  for (let i = 0; i < WRITES; i++)
    await control
      .from('merchants')
      .where('id', merchant.id)
      .update({ name: `n${i}` })
  return (performance.now() - began) / WRITES
}

async function transactions() {
  const began = performance.now()
  for (let i = 0; i < WRITES; i++)
    await control.transaction((trx) =>
      trx
        .from('merchants')
        .where('id', merchant.id)
        .update({ name: `t${i}` })
    )
  return (performance.now() - began) / WRITES
}

const actor = { id: randomUUID(), type: 'user' as const, requestId: 'bench', ip: '10.0.0.1' }
const results: Record<string, number[]> = {
  'autocommit, no actor': [],
  'autocommit, actor': [],
  'transaction, no actor': [],
  'transaction, actor': [],
}
for (let round = 0; round < ROUNDS + 1; round++) {
  const a = await autocommitWrites()
  const b = await runWithActor(actor, autocommitWrites)
  const c = await transactions()
  const d = await runWithActor(actor, transactions)
  if (round === 0) continue
  results['autocommit, no actor'].push(a)
  results['autocommit, actor'].push(b)
  results['transaction, no actor'].push(c)
  results['transaction, actor'].push(d)
}
for (const [name, values] of Object.entries(results))
  console.log(`${name.padEnd(24)} ${(median(values) * 1000).toFixed(0)} µs per write`)
console.log(
  `ratio autocommit actor/no actor: ${(median(results['autocommit, actor']) / median(results['autocommit, no actor'])).toFixed(2)}x`
)
console.log(
  `ratio transaction actor/no actor: ${(median(results['transaction, actor']) / median(results['transaction, no actor'])).toFixed(2)}x`
)
await db.manager.closeAll()
process.exit(0)
