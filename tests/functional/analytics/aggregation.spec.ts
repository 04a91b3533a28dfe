import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { createMerchant } from '#tests/support/merchants'
import type { MerchantSnapshot } from '#tenancy/index'
import { dailyAggregator } from '#analytics/services/daily_aggregator'
import AnalyticsAggregate from '#commands/analytics/analytics_aggregate'
import { nodeOf, seedEvents } from './analytics_helpers.js'

// A day of its own (no partition: the default partition must aggregate like any other).
const DAY = '2032-06-15'
const at = (time: string) => `${DAY}T${time}Z`

async function seedHandCheckedDay(merchant: MerchantSnapshot) {
  await seedEvents(merchant, [
    // Just outside the day on both sides: never counted.
    { type: 'menu_view', sessionId: 'outside-1', at: '2032-06-14T23:59:59.999Z' },
    { type: 'menu_view', sessionId: 'outside-2', at: '2032-06-16T00:00:00.000Z' },
    // Three sessions.
    { type: 'menu_view', sessionId: 'session-1', at: at('00:00:00.000') },
    { type: 'menu_view', sessionId: 'session-2', at: at('09:10:00') },
    { type: 'menu_view', sessionId: 'session-3', at: at('12:00:00') },
    { type: 'menu_view', sessionId: 'session-1', at: at('09:00:00') },
    {
      type: 'item_click',
      sessionId: 'session-1',
      at: at('09:01:00'),
      data: { item_id: 'latte', name: 'Latte' },
    },
    {
      type: 'item_click',
      sessionId: 'session-1',
      at: at('09:02:00'),
      data: { item_id: 'latte', name: 'Latte' },
    },
    {
      type: 'item_click',
      sessionId: 'session-2',
      at: at('09:11:00'),
      data: { item_id: 'croissant', name: 'Croissant' },
    },
    {
      type: 'item_click',
      sessionId: 'session-3',
      at: at('12:01:00'),
      data: { item_id: 'muffin', name: 'Muffin' },
    },
    {
      type: 'add_to_cart',
      sessionId: 'session-1',
      at: at('09:03:00'),
      data: { item_id: 'latte', quantity: 2 },
    },
    {
      type: 'add_to_cart',
      sessionId: 'session-2',
      at: at('09:12:00'),
      data: { item_id: 'croissant' },
    },
    { type: 'checkout_started', sessionId: 'session-1', at: at('09:04:00') },
    // Two orders from the server (order.created): 12.50 and 3.00.
    {
      type: 'order_placed',
      sessionId: 'order:o1',
      at: at('09:05:00'),
      data: {
        order_id: 'o1',
        total_minor: 1250,
        currency: 'EUR',
        items: [{ item_id: 'latte', name: 'Latte', quantity: 2 }],
      },
    },
    {
      type: 'order_placed',
      sessionId: 'order:o2',
      at: at('23:59:59.999'),
      data: {
        order_id: 'o2',
        total_minor: 300,
        currency: 'EUR',
        items: [{ item_id: 'croissant', name: 'Croissant', quantity: 1 }],
      },
    },
  ])
}

async function aggregateRow(merchant: MerchantSnapshot) {
  const result = await nodeOf(merchant).rawQuery(
    `SELECT unique_sessions, item_sessions, cart_sessions, checkout_sessions, menu_views, item_clicks, add_to_carts, checkouts_started, orders, revenue_minor::int, top_items
     FROM analytics_daily_aggregates WHERE merchant_id = ? AND day = ?`,
    [merchant.id, DAY]
  )
  return result.rows
}

const EXPECTED = {
  unique_sessions: 3,
  // Sessions that reached an item (all three), the cart (1 and 2), the checkout (1).
  item_sessions: 3,
  cart_sessions: 2,
  checkout_sessions: 1,
  menu_views: 4,
  item_clicks: 4,
  add_to_carts: 2,
  checkouts_started: 1,
  orders: 2,
  revenue_minor: 1550,
  top_items: [
    { item_id: 'latte', clicks: 2, added_to_cart: 2, ordered: 2 },
    { item_id: 'croissant', clicks: 1, added_to_cart: 1, ordered: 1 },
    { item_id: 'muffin', clicks: 1, added_to_cart: 0, ordered: 0 },
  ],
}

test.group('analytics / daily aggregation', () => {
  test('hand-checked figures for one day of a UTC merchant, per merchant', async ({ assert }) => {
    const { merchant } = await createMerchant()
    const { merchant: other } = await createMerchant()
    await seedHandCheckedDay(merchant)
    await seedEvents(other, [{ type: 'menu_view', sessionId: 'other-1', at: at('10:00:00') }])
    await dailyAggregator.aggregateDay(DAY)
    assert.deepEqual(await aggregateRow(merchant), [EXPECTED])
    const [otherRow] = await aggregateRow(other)
    assert.equal(otherRow.menu_views, 1)
    assert.equal(otherRow.orders, 0)
  })

  test('running it again gives the same rows; new events replace, never add', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    await seedHandCheckedDay(merchant)
    await dailyAggregator.aggregateDay(DAY, merchant)
    await dailyAggregator.aggregateDay(DAY, merchant)
    assert.deepEqual(await aggregateRow(merchant), [EXPECTED])

    await seedEvents(merchant, [{ type: 'menu_view', sessionId: 'session-4', at: at('15:00:00') }])
    await dailyAggregator.aggregateDay(DAY, merchant)
    const [row] = await aggregateRow(merchant)
    assert.equal(row.menu_views, 5)
    assert.equal(row.unique_sessions, 4)

    // Erased events (GDPR) leave no stale aggregate behind after a re-run.
    await nodeOf(merchant).from('analytics_events').where('merchant_id', merchant.id).delete()
    await dailyAggregator.aggregateDay(DAY, merchant)
    assert.deepEqual(await aggregateRow(merchant), [])
  })

  test('analytics:aggregate backfills a range of days', async ({ assert }) => {
    const { merchant } = await createMerchant()
    await seedHandCheckedDay(merchant)
    const ace = await app.container.make('ace')
    ace.ui.switchMode('raw')
    const command = await ace.create(AnalyticsAggregate, [
      '--from',
      '2032-06-14',
      '--to',
      '2032-06-16',
      '--merchant',
      merchant.slug,
    ])
    await command.exec()
    command.assertSucceeded()
    const progress = command.logger.getLogs().map((log) => log.message)
    assert.lengthOf(progress, 3)
    assert.include(progress[2], '[3/3] 2032-06-16: 1 merchant day(s) upserted, 0 stale removed')
    assert.deepEqual(await aggregateRow(merchant), [EXPECTED])
    const days = await nodeOf(merchant)
      .from('analytics_daily_aggregates')
      .where('merchant_id', merchant.id)
      .select(nodeOf(merchant).raw('day::text AS day'), 'menu_views')
      .orderBy('day')
    assert.deepEqual(days, [
      { day: '2032-06-14', menu_views: 1 },
      { day: '2032-06-15', menu_views: 4 },
      { day: '2032-06-16', menu_views: 1 },
    ])

    const bad = await ace.create(AnalyticsAggregate, ['--from', '2032-06-16', '--to', '2032-06-14'])
    await bad.exec()
    bad.assertFailed()
  })
})
