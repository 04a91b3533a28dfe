import { test } from '@japa/runner'
import emitter from '@adonisjs/core/services/emitter'
import { Job, QueueEvents } from 'bullmq'
import queue from '@rlanz/bull-queue/services/main'
import { type MerchantSnapshot } from '#tenancy/index'
import { moduleWorkers, queueConnection } from '#tests/support/workers'
import { dispatch } from '#core/queue/dispatcher'
import { createMerchant, login } from '#tests/support/merchants'
import type { AiInsightGenerated } from '#analytics/index'
import { dailyAggregator } from '#analytics/services/daily_aggregator'
import { addDays } from '#analytics/services/local_days'
import { briefingService } from '#ai_briefings/briefing_service'
import { LocalBriefingProvider } from '#ai_briefings/providers/local_provider'
import GenerateDailyBriefingsJob from '#ai_briefings/jobs/generate_daily_briefings_job'
import { asMerchant, seedCatalogItems, seedEvents } from '../analytics/analytics_helpers.js'

const DAY = '2032-03-10'

/** Seven ordinary days, then DAY: twice the views, half the orders, the muffin forgotten. */
async function seedWeek(merchant: MerchantSnapshot) {
  const { Latte: latte, Muffin: muffin } = await seedCatalogItems(merchant, ['Latte', 'Muffin'])
  const order = (day: string, n: number) => ({
    type: 'order_placed' as const,
    sessionId: `order:${day}-${n}`,
    at: `${day}T11:00:00Z`,
    data: {
      order_id: `${day}-${n}`,
      total_minor: 400,
      currency: 'EUR',
      items: [{ item_id: latte, name: 'Latte', quantity: 1 }],
    },
  })
  const click = (day: string, itemId: string, name: string) => ({
    type: 'item_click' as const,
    sessionId: `s-${day}`,
    at: `${day}T10:00:00Z`,
    data: { item_id: itemId, name },
  })
  const views = (day: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      type: 'menu_view' as const,
      sessionId: `s-${day}-${i}`,
      at: `${day}T09:00:00Z`,
    }))
  for (let back = 7; back >= 1; back--) {
    const day = addDays(DAY, -back)
    await seedEvents(merchant, [
      ...views(day, 10),
      click(day, latte, 'Latte'),
      click(day, latte, 'Latte'),
      click(day, muffin, 'Muffin'),
      click(day, muffin, 'Muffin'),
      order(day, 1),
      order(day, 2),
    ])
  }
  await seedEvents(merchant, [
    ...views(DAY, 20),
    click(DAY, latte, 'Latte'),
    click(DAY, latte, 'Latte'),
    order(DAY, 1),
  ])
  for (let back = 7; back >= 0; back--)
    await dailyAggregator.aggregateDay(addDays(DAY, -back), merchant)
  return { latte, muffin }
}

const EXPECTED_BODY = `What moved:
- Menu views: 20 (+100% vs the 7-day average of 10)
- Item clicks: 2 (-50% vs the 7-day average of 4)
- Added to cart: 0 (no activity this week)
- Orders: 1 (-50% vs the 7-day average of 2)
- Revenue: 4.00 (-50% vs the 7-day average of 8.00)
Top items:
- Latte: 1 ordered, 2 clicks
Falling items:
- Muffin: activity 0 vs 2 a day last week
Anomalies:
- Menu views jumped 100%
- Revenue dropped 50%
Suggestion: put Muffin back in view (first screen or a daily special): it fell well below last week.`

test.group('analytics / AI daily briefings', () => {
  test('the local provider writes the briefing from the figures; it is stored, announced and listed', async ({
    client,
    assert,
    cleanup,
  }) => {
    const { merchant, email } = await createMerchant({ tier: 'full_suite' })
    const { latte } = await seedWeek(merchant)
    const announced: AiInsightGenerated[] = []
    const listener = (event: AiInsightGenerated) => void announced.push(event)
    emitter.on('ai.insight.generated', listener)
    cleanup(() => emitter.off('ai.insight.generated', listener))

    const briefing = await asMerchant(merchant, () =>
      briefingService.generate(DAY, new LocalBriefingProvider())
    )
    assert.equal(
      briefing.headline,
      '2032-03-10: 1 orders (-50% vs the 7-day average of 2), revenue 4.00'
    )
    assert.equal(briefing.body, EXPECTED_BODY)
    assert.deepEqual(announced, [
      {
        merchantId: merchant.id,
        briefingId: briefing.id,
        day: DAY,
        provider: 'local',
        headline: briefing.headline,
      },
    ])

    // Regenerating the day replaces it.
    await asMerchant(merchant, () => briefingService.generate(DAY, new LocalBriefingProvider()))
    const token = await login(client, email)
    const response = await client
      .get('/api/v1/analytics/briefings')
      .header('Authorization', `Bearer ${token}`)
    response.assertStatus(200)
    assert.lengthOf(response.body().data, 1)
    const listed = response.body().data[0]
    assert.containsSubset(listed, {
      day: DAY,
      provider: 'local',
      headline: briefing.headline,
      body: EXPECTED_BODY,
    })
    // snake_case JSON, the stored figures included (metric names are the aggregate columns).
    assert.properties(listed, ['created_at'])
    assert.properties(listed.figures, ['has_data', 'top_items', 'falling_items'])
    assert.containsSubset(listed.figures.top_items[0], {
      item_id: latte,
      name: 'Latte',
      added_to_cart: 0,
    })
    assert.containsSubset(listed.figures.changes[0], { metric: 'menu_views' })
    assert.properties(listed.figures.changes[0], ['week_average', 'change_pct'])
  })

  test('only merchants with the ai_briefings module get briefings or the API', async ({
    client,
    assert,
  }) => {
    const full = await createMerchant({ tier: 'full_suite' })
    const basic = await createMerchant({ tier: 'pre_ordering' })
    await seedWeek(full.merchant)

    const denied = await client
      .get('/api/v1/analytics/briefings')
      .header('Authorization', `Bearer ${await login(client, basic.email)}`)
    denied.assertStatus(403)
    assert.equal(denied.body().errors[0].code, 'E_MODULE_DISABLED')

    const connection = queueConnection()
    const workers = await moduleWorkers()
    const pool = workers.start(['ai'])
    const events = new QueueEvents('ai', { connection: connection as any })
    try {
      await events.waitUntilReady()
      const fanOut = await dispatch(GenerateDailyBriefingsJob, {
        merchantId: null,
        at: `${addDays(DAY, 1)}T06:00:00Z`,
      })
      await fanOut.waitUntilFinished(events)
      const aiQueue = queue.getOrSet('ai')
      const mine = await Job.fromId(aiQueue, `briefing.${full.merchant.id}.${DAY}`)
      assert.exists(mine)
      await mine!.waitUntilFinished(events)
      assert.notExists(await Job.fromId(aiQueue, `briefing.${basic.merchant.id}.${DAY}`))
    } finally {
      await events.close()
      await pool.stop()
    }
    const listed = await client
      .get('/api/v1/analytics/briefings')
      .header('Authorization', `Bearer ${await login(client, full.email)}`)
    listed.assertStatus(200)
    assert.equal(listed.body().data[0].body, EXPECTED_BODY)
  })
})
