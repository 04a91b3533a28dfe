import { test } from '@japa/runner'
import { Job, QueueEvents } from 'bullmq'
import queue from '@rlanz/bull-queue/services/main'
import { type MerchantSnapshot } from '#tenancy/index'
import { moduleWorkers, queueConnection } from '#tests/support/workers'
import { dispatch } from '#core/queue/dispatcher'
import { createMerchant, login } from '#tests/support/merchants'
import { dailyAggregator } from '#analytics/services/daily_aggregator'
import { dashboardQuery } from '#analytics/services/dashboard_query'
import { liveFiguresQuery } from '#analytics/services/live_figures'
import { addDays, dayBounds, localToday } from '#analytics/services/local_days'
import { reachingLocalHour } from '#analytics/services/local_clock_schedule'
import AggregateDailyJob from '#analytics/jobs/aggregate_daily_job'
import { asMerchant, eventsOf, nodeOf, seedCatalogItems, seedEvents } from './analytics_helpers.js'

const views = (...instants: string[]) =>
  instants.map((at, i) => ({ type: 'menu_view' as const, sessionId: `s-${i}`, at }))

async function menuViewsOn(merchant: MerchantSnapshot, day: string) {
  const row = await nodeOf(merchant)
    .from('analytics_daily_aggregates')
    .where({ merchant_id: merchant.id, day })
    .first()
  return row?.menu_views ?? null
}

/** Ticks every quarter hour in [from, to): the local days each merchant was picked for, in order. */
function sweep(merchants: MerchantSnapshot[], hour: number, from: string, to: string) {
  const picked: Record<string, string[]> = Object.fromEntries(merchants.map((m) => [m.slug, []]))
  for (let at = Date.parse(from); at < Date.parse(to); at += 15 * 60_000) {
    for (const { merchant, day } of reachingLocalHour(merchants, hour, new Date(at)))
      picked[merchant.slug].push(day)
  }
  return picked
}

test.group('analytics / merchant-local days', () => {
  test('a day is aggregated from local midnight to local midnight (Tokyo, Los Angeles)', async ({
    assert,
  }) => {
    const { merchant: tokyo } = await createMerchant({ timezone: 'Asia/Tokyo' })
    const { merchant: la } = await createMerchant({ timezone: 'America/Los_Angeles' })
    // Local 2032-06-15 is 06-14 15:00Z .. 06-15 15:00Z in Tokyo (+09) and 06-15 07:00Z .. 06-16 07:00Z in LA (-07).
    await seedEvents(
      tokyo,
      views(
        '2032-06-14T14:59:59.999Z',
        '2032-06-14T15:00:00Z',
        '2032-06-15T14:59:59.999Z',
        '2032-06-15T15:00:00Z'
      )
    )
    await seedEvents(
      la,
      views(
        '2032-06-15T06:59:59.999Z',
        '2032-06-15T07:00:00Z',
        '2032-06-16T06:59:59.999Z',
        '2032-06-16T07:00:00Z'
      )
    )
    // Every active merchant at once: one statement per node and time zone.
    const results = await dailyAggregator.aggregateDay('2032-06-15')
    assert.includeMembers(
      results.map((r) => r.timezone),
      ['Asia/Tokyo', 'America/Los_Angeles']
    )
    assert.equal(await menuViewsOn(tokyo, '2032-06-15'), 2)
    assert.equal(await menuViewsOn(la, '2032-06-15'), 2)
  })

  test('DST days are 23 and 25 hours long in Los Angeles', async ({ assert }) => {
    const { merchant: la } = await createMerchant({ timezone: 'America/Los_Angeles' })
    const hours = (day: string) => {
      const { start, end } = dayBounds(day, la.timezone)
      return (end.getTime() - start.getTime()) / 3_600_000
    }
    assert.equal(hours('2026-03-08'), 23)
    assert.equal(hours('2026-11-01'), 25)
    // 2026-03-08 (PST until 02:00, then PDT): 08:00Z .. 03-09 07:00Z.
    await seedEvents(
      la,
      views(
        '2026-03-08T07:59:59Z',
        '2026-03-08T08:00:00Z',
        '2026-03-09T06:59:59Z',
        '2026-03-09T07:00:00Z'
      )
    )
    // 2026-11-01 (PDT until 02:00, then PST; 01:30 happens twice): 07:00Z .. 11-02 08:00Z.
    await seedEvents(
      la,
      views(
        '2026-11-01T06:59:59Z',
        '2026-11-01T07:00:00Z',
        '2026-11-01T09:30:00Z',
        '2026-11-02T07:59:59Z',
        '2026-11-02T08:00:00Z'
      )
    )
    for (const day of [
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-10-31',
      '2026-11-01',
      '2026-11-02',
    ]) {
      await dailyAggregator.aggregateDay(day, la)
    }
    assert.equal(await menuViewsOn(la, '2026-03-07'), 1)
    assert.equal(await menuViewsOn(la, '2026-03-08'), 2)
    assert.equal(await menuViewsOn(la, '2026-03-09'), 1)
    assert.equal(await menuViewsOn(la, '2026-10-31'), 1)
    assert.equal(await menuViewsOn(la, '2026-11-01'), 3)
    assert.equal(await menuViewsOn(la, '2026-11-02'), 1)
  })

  test('a local day that spans two monthly partitions is read from both', async ({ assert }) => {
    const { merchant: tokyo } = await createMerchant({ timezone: 'Asia/Tokyo' })
    // The 1st of next month in Tokyo starts at 15:00Z on the last day of this month (both partitions exist).
    const now = new Date()
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
      .toISOString()
      .slice(0, 10)
    const { start, end } = dayBounds(first, tokyo.timezone)
    await seedEvents(tokyo, views(start.toISOString(), new Date(end.getTime() - 1).toISOString()))
    const events = await eventsOf(tokyo)
    const partitions = [...new Set(events.map((event) => event.partition))]
    assert.lengthOf(partitions, 2)
    assert.notInclude(partitions, 'analytics_events_default')

    await dailyAggregator.aggregateDay(first, tokyo)
    assert.equal(await menuViewsOn(tokyo, first), 2)
    const query = liveFiguresQuery(tokyo.id, tokyo.timezone, first, first)
    const explained = await nodeOf(tokyo).rawQuery(
      `EXPLAIN (FORMAT JSON) ${query.sql}`,
      query.bindings
    )
    const plan = JSON.stringify(explained.rows[0]['QUERY PLAN'])
    const read = [
      ...new Set([...plan.matchAll(/"Relation Name":"([^"]+)"/g)].map((match) => match[1])),
    ]
    assert.sameMembers(read, partitions)
  })

  test("the dashboard's today is the merchant's today, around its midnight and on a 25-hour day", async ({
    assert,
  }) => {
    const { merchant: tokyo } = await createMerchant({ timezone: 'Asia/Tokyo' })
    const { merchant: la } = await createMerchant({ timezone: 'America/Los_Angeles' })
    // 14:50Z and 15:10Z: either side of midnight in Tokyo, the same morning in LA.
    for (const merchant of [tokyo, la])
      await seedEvents(merchant, views('2032-06-15T14:50:00Z', '2032-06-15T15:10:00Z'))
    const now = new Date('2032-06-15T15:30:00Z')
    const dashboard = (merchant: MerchantSnapshot, at = now) =>
      asMerchant(merchant, () => dashboardQuery.load(7, at))
    const byDate = (series: Array<{ date: string }>) =>
      Object.fromEntries(series.map((day) => [day.date, day]))

    const inTokyo = await dashboard(tokyo)
    assert.containsSubset(inTokyo, { to: '2032-06-16', from: '2032-06-10', timezone: 'Asia/Tokyo' })
    // Yesterday before its 02:00 aggregation is live, like today.
    assert.containsSubset(byDate(inTokyo.series)['2032-06-16'], { source: 'live', menuViews: 1 })
    assert.containsSubset(byDate(inTokyo.series)['2032-06-15'], { source: 'live', menuViews: 1 })
    await dailyAggregator.aggregateDay('2032-06-15', tokyo)
    const aggregated = await dashboard(tokyo)
    assert.containsSubset(byDate(aggregated.series)['2032-06-15'], {
      source: 'aggregate',
      menuViews: 1,
    })
    assert.containsSubset(byDate(aggregated.series)['2032-06-16'], { source: 'live', menuViews: 1 })
    assert.equal(aggregated.totals.menuViews, 2)

    const inLa = await dashboard(la)
    assert.containsSubset(inLa, { to: '2032-06-15', timezone: 'America/Los_Angeles' })
    assert.containsSubset(byDate(inLa.series)['2032-06-15'], { source: 'live', menuViews: 2 })

    // 2026-11-01 in LA lasts 25 hours: 00:00 PDT, 01:30 PST (the second 01:30) and 23:59 PST are all today.
    const { merchant: dst } = await createMerchant({ timezone: 'America/Los_Angeles' })
    await seedEvents(
      dst,
      views(
        '2026-11-01T06:59:00Z',
        '2026-11-01T07:00:00Z',
        '2026-11-01T09:30:00Z',
        '2026-11-02T07:59:00Z'
      )
    )
    const lateOnDstDay = await dashboard(dst, new Date('2026-11-02T07:59:30Z'))
    assert.equal(lateOnDstDay.to, '2026-11-01')
    assert.containsSubset(byDate(lateOnDstDay.series)['2026-11-01'], { menuViews: 3 })
    assert.containsSubset(byDate(lateOnDstDay.series)['2026-10-31'], { menuViews: 1 })
  })

  test('the 02:00 and 06:00 ticks pick each merchant at its local hour, once per day, across DST', async ({
    assert,
  }) => {
    const { merchant: tokyo } = await createMerchant({ timezone: 'Asia/Tokyo' })
    const { merchant: la } = await createMerchant({ timezone: 'America/Los_Angeles' })
    const { merchant: kathmandu } = await createMerchant({ timezone: 'Asia/Kathmandu' })
    const merchants = [tokyo, la, kathmandu]
    const picked = (hour: number, at: string) =>
      reachingLocalHour(merchants, hour, new Date(at)).map(({ merchant, day }) => [
        merchant.slug,
        day,
      ])

    assert.deepEqual(picked(2, '2032-06-14T16:45:00Z'), [])
    assert.deepEqual(picked(2, '2032-06-14T17:00:00Z'), [[tokyo.slug, '2032-06-14']])
    assert.deepEqual(picked(2, '2032-06-14T20:15:00Z'), [[kathmandu.slug, '2032-06-14']])
    assert.deepEqual(picked(2, '2032-06-15T09:00:00Z'), [[la.slug, '2032-06-14']])
    assert.deepEqual(picked(6, '2032-06-14T21:00:00Z'), [[tokyo.slug, '2032-06-14']])
    // Spring forward: 02:00 never happens in LA on 2026-03-08; the tick at 03:00 PDT (10:00Z) takes it.
    assert.deepEqual(picked(2, '2026-03-08T09:45:00Z'), [])
    assert.deepEqual(picked(2, '2026-03-08T10:00:00Z'), [[la.slug, '2026-03-07']])
    // Fall back: 01:00-02:00 happens twice; 02:00 PST (10:00Z) once.
    assert.deepEqual(picked(2, '2026-11-01T09:00:00Z'), [])
    assert.deepEqual(picked(2, '2026-11-01T10:00:00Z'), [[la.slug, '2026-10-31']])

    // Every quarter hour over three days around each change: each merchant once per local day.
    for (const [from, to] of [
      ['2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'],
      ['2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'],
    ]) {
      for (const hour of [2, 6]) {
        for (const [slug, days] of Object.entries(sweep(merchants, hour, from, to))) {
          assert.lengthOf(days, 3, `${slug} at ${hour}:00 from ${from}`)
          assert.deepEqual(
            days,
            [days[0], addDays(days[0], 1), addDays(days[0], 2)],
            `${slug} at ${hour}:00 from ${from}`
          )
        }
      }
    }
  })

  test('the quarter-hourly job queues the aggregation of the merchants at 02:00, once per merchant and day', async ({
    assert,
  }) => {
    const { merchant: tokyo } = await createMerchant({ timezone: 'Asia/Tokyo' })
    const { merchant: la } = await createMerchant({ timezone: 'America/Los_Angeles' })
    // Tokyo's 2033-01-10 ends at 15:00Z; its local 02:00 is 17:00Z.
    await seedEvents(tokyo, views('2033-01-09T15:00:00Z', '2033-01-10T14:59:00Z'))
    await seedEvents(la, views('2033-01-10T10:00:00Z'))
    const connection = queueConnection()
    const workers = await moduleWorkers()
    const pool = workers.start(['analytics'])
    const events = new QueueEvents('analytics', { connection: connection as any })
    const analyticsQueue = queue.getOrSet('analytics')
    try {
      await events.waitUntilReady()
      // 17:05: the tick runs a little late; it still belongs to 17:00.
      const tick = await dispatch(AggregateDailyJob, {
        merchantId: null,
        at: '2033-01-10T17:05:00Z',
      })
      await tick.waitUntilFinished(events)
      const queued = await Job.fromId(analyticsQueue, `aggregate.${tokyo.id}.2033-01-10`)
      assert.exists(queued)
      await queued!.waitUntilFinished(events)
      assert.notExists(await Job.fromId(analyticsQueue, `aggregate.${la.id}.2033-01-10`))

      // A second worker firing the same tick queues nothing new.
      const again = await dispatch(AggregateDailyJob, {
        merchantId: null,
        at: '2033-01-10T17:00:00Z',
      })
      await again.waitUntilFinished(events)
      assert.equal(
        (await Job.fromId(analyticsQueue, `aggregate.${tokyo.id}.2033-01-10`))!.timestamp,
        queued!.timestamp
      )
    } finally {
      await events.close()
      await pool.stop()
    }
    assert.equal(await menuViewsOn(tokyo, '2033-01-10'), 2)
    assert.isNull(await menuViewsOn(la, '2033-01-10'))
  })

  test('top items include today, the funnel is labelled and stays within 100 % when staff orders outnumber carts', async ({
    client,
    assert,
  }) => {
    const a = await createMerchant({ timezone: 'Asia/Tokyo' })
    const { Latte: latte } = await seedCatalogItems(a.merchant, ['Latte'])
    const at = new Date().toISOString()
    const staffOrder = (id: string) => ({
      type: 'order_placed' as const,
      sessionId: `order:${id}`,
      at,
      data: {
        order_id: id,
        total_minor: 400,
        currency: 'EUR',
        items: [{ item_id: latte, name: 'Latte', quantity: 1 }],
      },
    })
    await seedEvents(a.merchant, [
      { type: 'menu_view', sessionId: 'guest-1', at },
      { type: 'item_click', sessionId: 'guest-1', at, data: { item_id: latte } },
      { type: 'add_to_cart', sessionId: 'guest-1', at, data: { item_id: latte } },
      { type: 'menu_view', sessionId: 'guest-2', at },
      staffOrder('o1'),
      staffOrder('o2'),
    ])
    const response = await client
      .get('/api/v1/analytics/dashboard')
      .qs({ days: 7 })
      .header('Authorization', `Bearer ${await login(client, a.email)}`)
    response.assertStatus(200)
    const dashboard = response.body().data
    assert.equal(dashboard.to, localToday('Asia/Tokyo'))
    assert.equal(dashboard.timezone, 'Asia/Tokyo')
    assert.deepEqual(dashboard.top_items, [
      { item_id: latte, name: 'Latte', clicks: 1, added_to_cart: 1, ordered: 2 },
    ])
    assert.containsSubset(dashboard.totals, { orders: 2, add_to_carts: 1, revenue_minor: 800 })
    assert.deepEqual(dashboard.funnel, [
      { step: 'visited', label: 'Visited the menu', sessions: 2, rate_from_previous: null },
      { step: 'opened_item', label: 'Opened an item', sessions: 1, rate_from_previous: 0.5 },
      { step: 'added_to_cart', label: 'Added to cart', sessions: 1, rate_from_previous: 1 },
      { step: 'started_checkout', label: 'Started checkout', sessions: 0, rate_from_previous: 0 },
    ])
  })
})
