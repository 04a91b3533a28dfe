import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { runJobInTenant, shardRouter } from '#tenancy/index'
import { orderQueries } from '#orders/index'
import { createMerchantWithToken } from '#tests/support/merchants'

/** The SQL statements (with bindings) the shard node receives while `fn` runs. */
async function captured(shardId: number, fn: () => Promise<unknown>) {
  const name = shardRouter.connectionForShard(shardId)
  db.manager.connect(name)
  const client = db.manager.get(name)!.connection!.client!
  const statements: Array<{ sql: string; bindings: unknown[] }> = []
  const listener = (query: { sql: string; bindings: unknown[] }) => statements.push(query)
  client.on('query', listener)
  try {
    await fn()
  } finally {
    client.removeListener('query', listener)
  }
  return statements
}

test.group('Orders: the staff list uses its (merchant, status, created_at) index', () => {
  test('a status filter walks idx_orders_merchant_status_created', async ({ assert }) => {
    const shop = await createMerchantWithToken()
    // A realistic spread: mostly finished orders, few pending; then fresh statistics for the planner.
    await runJobInTenant({ merchantId: shop.merchant.id }, () =>
      shardRouter.transaction(async (trx) => {
        await trx.rawQuery(
          `INSERT INTO orders (merchant_id, shard_id, business_date, number, status, customer_name, currency,
                               subtotal_minor, total_minor, tracking_token_hash, created_at)
           SELECT ?, ?, current_date - (n / 200), n % 200 + 1,
                  (ARRAY['completed','completed','completed','completed','rejected','cancelled','pending','ready'])[n % 8 + 1],
                  'Ada', 'EUR', 100, 100, md5(? || n), now() - make_interval(mins => n)
             FROM generate_series(1, 4000) AS n`,
          [shop.merchant.id, shop.merchant.shardId, shop.merchant.id]
        )
        await trx.rawQuery('ANALYZE orders')
      })
    )
    const statements = await captured(shop.merchant.shardId, () =>
      runJobInTenant({ merchantId: shop.merchant.id }, () =>
        orderQueries.list({ status: 'pending', perPage: 25 })
      )
    )
    const page = statements.find((s) => /from "orders"/i.test(s.sql) && /limit/i.test(s.sql))
    assert.exists(page, 'the page query was sent')
    // Test tables are tiny: sequential scans are switched off so the question is whether the index CAN serve it.
    const plan = await runJobInTenant({ merchantId: shop.merchant.id }, () =>
      shardRouter.transaction(async (trx) => {
        await trx.rawQuery('SET LOCAL enable_seqscan = off')
        const sql = page!.sql.replace(/\$\d+/g, '?')
        const result = await trx.rawQuery(`EXPLAIN ${sql}`, page!.bindings as any[])
        return result.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')
      })
    )
    assert.include(plan, 'idx_orders_merchant_status_created', plan)
  })
})
