import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { shardRouter } from '#tenancy/index'
import { createMerchant } from '#tests/support/merchants'
import { partitionManager } from '#analytics/services/partition_manager'
import { liveFiguresQuery } from '#analytics/services/live_figures'
import { localToday } from '#analytics/services/local_days'
import PartitionsEnsure from '#commands/analytics/partitions_ensure'
import { eventsOf, nodeOf, seedEvents } from './analytics_helpers.js'

/** Every table the plan reads. */
function relations(plan: any, found: string[] = []): string[] {
  if (plan['Relation Name']) found.push(plan['Relation Name'])
  for (const child of plan.Plans ?? []) relations(child, found)
  return found
}

test.group('analytics / monthly partitions', () => {
  test('events of a month without a partition land in DEFAULT and move to their partitions on ensure', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    // 2031 has no partitions: both sides of the January/February boundary go to the default partition.
    await seedEvents(merchant, [
      { type: 'menu_view', at: '2031-01-31T23:59:59.999Z' },
      { type: 'item_click', at: '2031-02-01T00:00:00.000Z', data: { item_id: 'latte' } },
    ])
    let rows = await eventsOf(merchant)
    assert.deepEqual(
      rows.map((row) => row.partition),
      ['analytics_events_default', 'analytics_events_default']
    )

    const reports = await partitionManager.ensure({ months: ['2031-01-01'] })
    const node = shardRouter.connectionForShard(merchant.shardId)
    const report = reports.find((r) => r.node === node)!
    // January was asked for; February had rows waiting in the default partition, so it is created too.
    assert.includeMembers(report.created, ['2031-01', '2031-02'])
    rows = await eventsOf(merchant)
    assert.deepEqual(
      rows.map((row) => [row.event_type, row.created_at.toISOString(), row.partition]),
      [
        ['menu_view', '2031-01-31T23:59:59.999Z', 'analytics_events_2031_01'],
        ['item_click', '2031-02-01T00:00:00.000Z', 'analytics_events_2031_02'],
      ]
    )
    for (const name of shardRouter.nodes())
      assert.include(await partitionManager.partitionsOf(name), 'analytics_events_2031_01')

    // The parent table's indexes exist on the new partition.
    const indexes = await nodeOf(merchant).rawQuery(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'analytics_events_2031_01'`
    )
    const defs = indexes.rows.map((row: { indexdef: string }) => row.indexdef).join('\n')
    assert.include(defs, '(merchant_id, created_at DESC)')
    assert.include(defs, '(event_type, created_at DESC)')

    // Running again creates nothing and moves nothing.
    const again = await partitionManager.ensure({ months: ['2031-01-01'] })
    assert.deepEqual(again.find((r) => r.node === node)!.created, [])
    assert.lengthOf(await eventsOf(merchant), 2)
  })

  test('partitions:ensure creates the coming months on every node', async ({ assert }) => {
    const ace = await app.container.make('ace')
    const command = await ace.create(PartitionsEnsure, ['--ahead', '5'])
    await command.exec()
    command.assertSucceeded()
    const now = new Date()
    const fifth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 5, 1))
    const name = `analytics_events_${fifth.getUTCFullYear()}_${String(fifth.getUTCMonth() + 1).padStart(2, '0')}`
    for (const node of shardRouter.nodes())
      assert.include(await partitionManager.partitionsOf(node), name)
  })

  test('EXPLAIN: the dashboard query of one day reads one partition', async ({ assert }) => {
    const { merchant } = await createMerchant()
    await seedEvents(merchant, [{ type: 'menu_view', at: new Date().toISOString() }])
    const query = liveFiguresQuery(merchant.id, 'UTC', localToday('UTC'), localToday('UTC'))
    const client = db.connection(shardRouter.connectionForShard(merchant.shardId))
    const explained = await client.rawQuery(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.bindings)
    const plan = explained.rows[0]['QUERY PLAN'][0].Plan
    const now = new Date()
    const partition = `analytics_events_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`
    assert.deepEqual([...new Set(relations(plan))], [partition])
  })
})
