import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { shardRouter } from '#tenancy/index'
import { createMerchant, login } from '#tests/helpers'
import { summaryView } from '#analytics/services/summary_view'
import { dashboardQuery } from '#analytics/services/dashboard_query'
import { addDays, today } from '#analytics/services/utc_days'
import ViewsRefresh from '#commands/analytics/views_refresh'
import { seedEvents } from './analytics_helpers.js'

const yesterday = () => addDays(today(), -1)

test.group('analytics / mv_merchant_daily_summary', () => {
  test('a finished day not yet aggregated is read from the view; refresh never blocks dashboard reads', async ({ client, assert }) => {
    const { merchant, email } = await createMerchant()
    const token = await login(client, email)
    const views = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({ type: 'menu_view' as const, sessionId: `${prefix}-${i}`, at: `${yesterday()}T12:00:00Z` }))
    const readYesterday = async () => {
      await dashboardQuery.invalidate(merchant.id)
      const response = await client.get('/api/v1/analytics/dashboard').header('Authorization', `Bearer ${token}`)
      response.assertStatus(200)
      return response.body().data.series.find((day: { date: string }) => day.date === yesterday())
    }

    await seedEvents(merchant, [
      ...views(2, 'first'),
      // The view reads the order total from the stored snake_case JSON.
      { type: 'order_placed', sessionId: 'order:v1', at: `${yesterday()}T13:00:00Z`, data: { order_id: 'v1', total_minor: 700, items: [] } },
    ])
    await summaryView.refreshAll()
    assert.containsSubset(await readYesterday(), { source: 'view', menu_views: 2, unique_sessions: 2, orders: 1, revenue_minor: 700 })

    await seedEvents(merchant, views(3, 'second'))
    const node = shardRouter.connectionForShard(merchant.shardId)
    const trx = await db.connection(node).transaction()
    try {
      // The refresh has run but not committed: it holds its lock on the view until the commit.
      await summaryView.refresh(trx)
      const locks = await db.connection(node).rawQuery(
        `SELECT mode FROM pg_locks WHERE relation = 'mv_merchant_daily_summary'::regclass AND granted`
      )
      const modes = locks.rows.map((row: { mode: string }) => row.mode)
      assert.include(modes, 'ExclusiveLock')
      assert.notInclude(modes, 'AccessExclusiveLock')
      // A dashboard read during the refresh answers at once, with the previous contents.
      assert.containsSubset(await readYesterday(), { source: 'view', menu_views: 2 })
      await trx.commit()
    } catch (error) {
      await trx.rollback()
      throw error
    }
    assert.containsSubset(await readYesterday(), { source: 'view', menu_views: 5, unique_sessions: 5 })
  })

  test('views:refresh refreshes the view on every node', async ({ assert }) => {
    const { merchant } = await createMerchant()
    await seedEvents(merchant, [{ type: 'menu_view', sessionId: 'refresh-1', at: `${yesterday()}T08:00:00Z` }])
    const ace = await app.container.make('ace')
    ace.ui.switchMode('raw')
    const command = await ace.create(ViewsRefresh, [])
    await command.exec()
    command.assertSucceeded()
    assert.lengthOf(command.logger.getLogs(), shardRouter.nodes().length)
    const row = await db
      .connection(shardRouter.connectionForShard(merchant.shardId))
      .from('mv_merchant_daily_summary')
      .where({ merchant_id: merchant.id })
      .first()
    assert.equal(Number(row.menu_views), 1)
  })
})
