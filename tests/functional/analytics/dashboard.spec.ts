import { test } from '@japa/runner'
import { createMerchant, login } from '#tests/support/merchants'
import { dailyAggregator } from '#analytics/services/daily_aggregator'
import { addDays, localToday } from '#analytics/services/local_days'
import { dashboardQuery } from '#analytics/services/dashboard_query'
import { asMerchant, seedCatalogItems, seedEvents } from './analytics_helpers.js'

const now = () => new Date()
const today = () => localToday('UTC')
const daysAgo = (n: number, time = '10:00:00') => `${addDays(today(), -n)}T${time}Z`

test.group('analytics / dashboard', () => {
  test('series, totals, funnel and top items come from aggregates and today live; B never sees A', async ({
    client,
    assert,
  }) => {
    const a = await createMerchant()
    const b = await createMerchant()
    const { Latte: latte } = await seedCatalogItems(a.merchant, ['Latte'])
    const order = (id: string, total: number) => ({
      type: 'order_placed' as const,
      sessionId: `order:${id}`,
      at: daysAgo(2),
      data: {
        order_id: id,
        total_minor: total,
        currency: 'EUR',
        items: [{ item_id: latte, name: 'Latte', quantity: 1 }],
      },
    })
    await seedEvents(a.merchant, [
      { type: 'menu_view', sessionId: 'a-session-1', at: daysAgo(2) },
      { type: 'menu_view', sessionId: 'a-session-2', at: daysAgo(2) },
      {
        type: 'item_click',
        sessionId: 'a-session-1',
        at: daysAgo(2),
        data: { item_id: latte, name: 'Latte' },
      },
      { type: 'add_to_cart', sessionId: 'a-session-1', at: daysAgo(2), data: { item_id: latte } },
      order('a1', 450),
      { type: 'menu_view', sessionId: 'a-session-3', at: now().toISOString() },
    ])
    await seedEvents(b.merchant, [
      { type: 'menu_view', sessionId: 'b-session-1', at: daysAgo(2) },
      {
        type: 'item_click',
        sessionId: 'b-session-1',
        at: daysAgo(2),
        data: { item_id: 'secret-b', name: 'B only' },
      },
      order('b1', 99_900),
      { type: 'menu_view', sessionId: 'b-session-2', at: now().toISOString() },
      { type: 'menu_view', sessionId: 'b-session-3', at: now().toISOString() },
    ])
    await dailyAggregator.aggregateDay(addDays(today(), -2))

    const token = await login(client, a.email)
    const response = await client
      .get('/api/v1/analytics/dashboard')
      .qs({ days: 7 })
      .header('Authorization', `Bearer ${token}`)
    response.assertStatus(200)
    // The dashboard keeps the api limit; only ingestion has the higher ingest one.
    response.assertHeader('x-ratelimit-limit', '100')
    const dashboard = response.body().data
    assert.equal(dashboard.to, today())
    assert.properties(dashboard, ['series', 'totals', 'funnel', 'top_items'])
    assert.properties(dashboard.totals, ['unique_sessions', 'checkouts_started'])
    assert.equal(dashboard.from, addDays(today(), -6))
    assert.lengthOf(dashboard.series, 7)
    const byDate = Object.fromEntries(dashboard.series.map((day: any) => [day.date, day]))
    assert.containsSubset(byDate[addDays(today(), -2)], {
      source: 'aggregate',
      menu_views: 2,
      item_clicks: 1,
      add_to_carts: 1,
      orders: 1,
      revenue_minor: 450,
    })
    assert.containsSubset(byDate[today()], { source: 'live', menu_views: 1, orders: 0 })
    assert.containsSubset(dashboard.totals, {
      menu_views: 3,
      item_clicks: 1,
      add_to_carts: 1,
      orders: 1,
      revenue_minor: 450,
    })
    // Sessions per step (the order's synthetic session is not one); orders are in the totals.
    assert.deepEqual(dashboard.funnel, [
      { step: 'visited', label: 'Visited the menu', sessions: 3, rate_from_previous: null },
      { step: 'opened_item', label: 'Opened an item', sessions: 1, rate_from_previous: 0.3333 },
      { step: 'added_to_cart', label: 'Added to cart', sessions: 1, rate_from_previous: 1 },
      { step: 'started_checkout', label: 'Started checkout', sessions: 0, rate_from_previous: 0 },
    ])
    assert.deepEqual(dashboard.top_items, [
      { item_id: latte, name: 'Latte', clicks: 1, added_to_cart: 1, ordered: 1 },
    ])
    assert.notInclude(JSON.stringify(dashboard), 'secret-b')

    // B's staff see B's figures only.
    const tokenB = await login(client, b.email)
    const forB = await client
      .get('/api/v1/analytics/dashboard')
      .header('Authorization', `Bearer ${tokenB}`)
    forB.assertStatus(200)
    assert.containsSubset(forB.body().data.totals, {
      menu_views: 3,
      orders: 1,
      revenue_minor: 99_900,
    })
    assert.lengthOf(forB.body().data.series, 30)

    // A's token naming B is refused, never switched.
    const crossed = await client
      .get('/api/v1/analytics/dashboard')
      .header('Authorization', `Bearer ${token}`)
      .header('X-Merchant', b.merchant.slug)
    crossed.assertStatus(403)
  })

  test('the dashboard is cached briefly: a new event shows once the entry is dropped', async ({
    client,
    assert,
  }) => {
    const a = await createMerchant()
    const token = await login(client, a.email)
    const read = async () => {
      const response = await client
        .get('/api/v1/analytics/dashboard')
        .header('Authorization', `Bearer ${token}`)
      response.assertStatus(200)
      return response.body().data.totals.menu_views
    }
    assert.equal(await read(), 0)
    await seedEvents(a.merchant, [
      { type: 'menu_view', sessionId: 'cached-1', at: now().toISOString() },
    ])
    assert.equal(await read(), 0)
    await asMerchant(a.merchant, () => dashboardQuery.invalidate(a.merchant.id))
    assert.equal(await read(), 1)
  })

  test('staff only, and days must be 1..90', async ({ client }) => {
    const a = await createMerchant()
    const anonymous = await client
      .get('/api/v1/analytics/dashboard')
      .header('X-Merchant', a.merchant.slug)
    anonymous.assertStatus(401)
    const token = await login(client, a.email)
    for (const days of ['0', '91', 'x']) {
      const response = await client
        .get('/api/v1/analytics/dashboard')
        .qs({ days })
        .header('Authorization', `Bearer ${token}`)
      response.assertStatus(422)
    }
  })
})
