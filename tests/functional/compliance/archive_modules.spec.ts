import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { archiveRunner } from '#compliance/services/archive_runner'
import { gdprExport } from '#compliance/services/gdpr_export_service'
import { gdprErasure } from '#compliance/services/gdpr_erasure_service'
import { shardRouter } from '#tenancy/index'
import { createMerchant } from '#tests/support/merchants'
import { inTenant, nodeOf, tenantDb } from './helpers.js'

const DAY = 86_400_000

/** One order with two lines, its times set `ageDays` in the past. */
async function seedOrder(
  merchantId: string,
  status: string,
  ageDays: number,
  email: string,
  number: number
) {
  return inTenant(merchantId, async () => {
    const at = new Date(Date.now() - ageDays * DAY)
    const [order] = await tenantDb('write')
      .table('orders')
      .insert({
        merchant_id: merchantId,
        business_date: at.toISOString().slice(0, 10),
        number,
        status,
        customer_name: 'Ada Archive',
        customer_email: email,
        currency: 'EUR',
        subtotal_minor: 700,
        total_minor: 700,
        tracking_token_hash: randomUUID(),
        created_at: at,
        updated_at: at,
      })
      .returning('id')
    for (const position of [1, 2]) {
      await tenantDb('write')
        .table('order_items')
        .insert({
          merchant_id: merchantId,
          order_id: order.id,
          position,
          menu_item_id: randomUUID(),
          name: `Line ${position}`,
          quantity: 1,
          base_price_minor: 350,
          unit_price_minor: 350,
          line_total_minor: 350,
        })
    }
    return order.id as string
  })
}

async function idsOf(node: string, table: string, column: string, values: string[]) {
  const rows = await db.connection(node).from(table).whereIn(column, values).select('id')
  return rows.map((row) => row.id as string).sort()
}

test.group('archivables declared by modules', () => {
  test('orders: exactly the finished orders older than six months move with their lines; idempotent; still exported', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const node = nodeOf(merchant.id, merchant.shardId)
    const email = `archive-${randomUUID().slice(0, 8)}@gudbro.test`
    const old = [
      await seedOrder(merchant.id, 'completed', 200, email, 1),
      await seedOrder(merchant.id, 'cancelled', 300, email, 2),
      await seedOrder(merchant.id, 'rejected', 190, email, 3),
    ]
    const stay = [
      await seedOrder(merchant.id, 'completed', 30, email, 4), // finished, but recent
      await seedOrder(merchant.id, 'pending', 200, email, 5), // old, but not finished
      await seedOrder(merchant.id, 'ready', 250, email, 6),
    ]
    const archivables = await archiveRunner.archivables(['orders.orders_archive'])
    const dry = await archiveRunner.run(archivables, { dryRun: true })
    assert.isAtLeast(dry.find((r) => r.node === node)!.pending, 3)

    const report = await archiveRunner.run(archivables, { batchSize: 2 })
    assert.isAtLeast(report.find((r) => r.node === node)!.moved, 3)
    const all = [...old, ...stay]
    assert.deepEqual(await idsOf(node, 'orders_archive', 'id', all), [...old].sort())
    assert.deepEqual(await idsOf(node, 'orders', 'id', all), [...stay].sort())
    assert.lengthOf(await idsOf(node, 'order_items_archive', 'order_id', old), 6)
    assert.lengthOf(await idsOf(node, 'order_items', 'order_id', old), 0)
    assert.lengthOf(await idsOf(node, 'order_items', 'order_id', stay), 6)
    assert.lengthOf(await idsOf(node, 'order_items_archive', 'order_id', stay), 0)

    const again = await archiveRunner.run(archivables, { batchSize: 2 })
    assert.deepEqual(
      again.map((r) => r.moved),
      again.map(() => 0)
    )
    assert.deepEqual(await idsOf(node, 'orders_archive', 'id', all), [...old].sort())

    const { document } = await gdprExport.export({
      email,
      reason: 'test: archived orders are exported',
      via: 'command',
    })
    assert.sameMembers(
      document.data.orders.orders_archive.map((o: any) => o.id),
      old
    )
    assert.sameMembers(
      document.data.orders.orders.map((o: any) => o.id),
      stay
    )
    assert.lengthOf(document.data.orders.order_items_archive, 6)
    assert.notProperty(document.data.orders.orders_archive[0], 'tracking_token_hash')

    await gdprErasure.erase({ email, reason: 'test: archived orders are erased', via: 'command' })
    const erased = await db
      .connection(node)
      .from('orders_archive')
      .whereIn('id', old)
      .select('customer_email', 'customer_name', 'total_minor')
    assert.lengthOf(erased, 3)
    for (const row of erased) {
      assert.isNull(row.customer_email)
      assert.notEqual(row.customer_name, 'Ada Archive')
      assert.equal(row.total_minor, 700)
    }
  })

  test('analytics: partitions that ended more than a year ago are detached into the archive schema with their rows', async ({
    assert,
    cleanup,
  }) => {
    const { merchant } = await createMerchant()
    const node = nodeOf(merchant.id, merchant.shardId)
    const now = new Date()
    const month = new Date(Date.UTC(now.getUTCFullYear() - 2, now.getUTCMonth(), 1))
    const partition = `analytics_events_${month.toISOString().slice(0, 7).replace('-', '_')}`
    const current = `analytics_events_${now.toISOString().slice(0, 7).replace('-', '_')}`
    for (const each of shardRouter.nodes()) {
      await db.connection(each).rawQuery(`DROP TABLE IF EXISTS archive."${partition}"`)
      await db
        .connection(each)
        .rawQuery(`SELECT ensure_analytics_partition(?::date)`, [month.toISOString().slice(0, 10)])
    }
    cleanup(async () => {
      for (const each of shardRouter.nodes())
        await db.connection(each).rawQuery(`DROP TABLE IF EXISTS archive."${partition}"`)
    })
    const eventAt = new Date(month.getTime() + 3 * DAY)
    await inTenant(merchant.id, () =>
      tenantDb('write').table('analytics_events').insert({
        merchant_id: merchant.id,
        session_id: 's-old',
        event_type: 'page_view',
        created_at: eventAt,
      })
    )
    const partitionsOf = async (each: string) => {
      const { rows } = await db
        .connection(each)
        .rawQuery(
          `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.analytics_events'::regclass`
        )
      return rows.map((r: { name: string }) => r.name)
    }
    assert.include(await partitionsOf(node), partition)

    const archivables = await archiveRunner.archivables(['analytics.partitions_archive'])
    const dry = await archiveRunner.run(archivables, { dryRun: true })
    for (const row of dry) assert.isAtLeast(row.pending, 1)
    const report = await archiveRunner.run(archivables)
    for (const row of report) assert.isAtLeast(row.moved, 1)

    for (const each of shardRouter.nodes()) {
      const partitions = await partitionsOf(each)
      assert.notInclude(partitions, partition)
      assert.include(partitions, current)
      const located = await db
        .connection(each)
        .rawQuery(`SELECT to_regclass(?) AS archived, to_regclass(?) AS hot`, [
          `archive."${partition}"`,
          `public."${partition}"`,
        ])
      assert.isNotNull(located.rows[0].archived)
      assert.isNull(located.rows[0].hot)
    }
    const archived = await db
      .connection(node)
      .rawQuery(`SELECT session_id FROM archive."${partition}" WHERE merchant_id = ?`, [
        merchant.id,
      ])
    assert.deepEqual(
      archived.rows.map((r: { session_id: string }) => r.session_id),
      ['s-old']
    )
    const hot = await db
      .connection(node)
      .from('analytics_events')
      .where('merchant_id', merchant.id)
      .where('session_id', 's-old')
      .count('* as n')
    assert.equal(Number(hot[0].n), 0)

    const again = await archiveRunner.run(archivables)
    assert.deepEqual(
      again.map((r) => r.moved),
      again.map(() => 0)
    )
  })
})
