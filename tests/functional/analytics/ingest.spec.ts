import { test } from '@japa/runner'
import { createMerchant } from '#tests/support/merchants'
import { eventsOf } from './analytics_helpers.js'

const session = 'sess-abcdef12'

test.group('analytics / ingestion', () => {
  test('a good batch is written in full, for the merchant named by X-Merchant', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const response = await client
      .post('/api/v1/analytics/events')
      .header('X-Merchant', merchant.slug)
      .json({
        events: [
          { type: 'menu_view', session_id: session },
          {
            type: 'item_click',
            session_id: session,
            data: { item_id: 'latte', name: 'Latte', secret: 'dropped' },
          },
          { type: 'add_to_cart', session_id: session, data: { item_id: 'latte', quantity: 2 } },
        ],
      })
    response.assertStatus(202)
    response.assertBodyContains({ data: { accepted: 3 } })
    const rows = await eventsOf(merchant)
    assert.sameMembers(
      rows.map((row) => row.event_type),
      ['menu_view', 'item_click', 'add_to_cart']
    )
    assert.isTrue(
      rows.every((row) => row.shard_id === merchant.shardId && row.session_id === session)
    )
    const click = rows.find((row) => row.event_type === 'item_click')!
    // Unknown keys are dropped, and so is a client's item name (figures take names from the catalog).
    assert.deepEqual(click.event_data, { item_id: 'latte' })
  })

  test('the merchant slug in the path works for clients that cannot set headers', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const response = await client.post(`/api/v1/analytics/m/${merchant.slug}/events`).json({
      events: [
        {
          type: 'checkout_started',
          session_id: session,
          data: { item_count: 2, cart_value_minor: 900 },
        },
      ],
    })
    response.assertStatus(202)
    const [row] = await eventsOf(merchant)
    assert.deepEqual(row.event_data, { item_count: 2, cart_value_minor: 900 })
  })

  test('the old camelCase names are not accepted', async ({ client, assert }) => {
    const { merchant } = await createMerchant()
    const response = await client
      .post('/api/v1/analytics/events')
      .header('X-Merchant', merchant.slug)
      .json({ events: [{ type: 'item_click', sessionId: session, data: { itemId: 'latte' } }] })
    response.assertStatus(422)
    const fields = response.body().errors.map((error: { field: string }) => error.field)
    assert.includeMembers(fields, ['events.0.session_id', 'events.0.data.item_id'])
    assert.lengthOf(await eventsOf(merchant), 0)
  })

  test('one bad event refuses the whole batch with every bad index named, and nothing is written', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const response = await client
      .post('/api/v1/analytics/events')
      .header('X-Merchant', merchant.slug)
      .json({
        events: [
          { type: 'menu_view', session_id: session },
          { type: 'free_money', session_id: session },
          { type: 'item_click', session_id: session, data: {} },
          { type: 'order_placed', session_id: session, data: { total_minor: 99999 } },
          { type: 'menu_view', session_id: session },
        ],
      })
    response.assertStatus(422)
    const fields = response.body().errors.map((error: { field: string }) => error.field)
    assert.includeMembers(fields, ['events.1.type', 'events.2.data.item_id', 'events.3.type'])
    assert.notInclude(fields, 'events.0.type')
    assert.notInclude(fields, 'events.4.type')
    const orderError = response
      .body()
      .errors.find((error: { field: string }) => error.field === 'events.3.type')
    assert.include(orderError.message, 'order_placed is recorded by the server')
    assert.lengthOf(await eventsOf(merchant), 0)
  })

  test('a batch over 500 events is a 422 and nothing is written', async ({ client, assert }) => {
    const { merchant } = await createMerchant()
    const events = Array.from({ length: 501 }, () => ({ type: 'menu_view', session_id: session }))
    const response = await client
      .post('/api/v1/analytics/events')
      .header('X-Merchant', merchant.slug)
      .json({ events })
    response.assertStatus(422)
    assert.equal(response.body().errors[0].field, 'events')
    assert.lengthOf(await eventsOf(merchant), 0)

    const full = await client
      .post('/api/v1/analytics/events')
      .header('X-Merchant', merchant.slug)
      .json({ events: events.slice(0, 500) })
    full.assertStatus(202)
    assert.lengthOf(await eventsOf(merchant), 500)
  })

  test('a client clock outside the last 24 hours is refused; a recent one is kept', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString()
    const recent = new Date(Date.now() - 3_600_000).toISOString()
    const refused = await client
      .post('/api/v1/analytics/events')
      .header('X-Merchant', merchant.slug)
      .json({
        events: [
          { type: 'menu_view', session_id: session, occurred_at: recent },
          { type: 'menu_view', session_id: session, occurred_at: old },
        ],
      })
    refused.assertStatus(422)
    assert.deepEqual(
      refused.body().errors.map((e: { field: string }) => e.field),
      ['events.1.occurred_at']
    )
    assert.lengthOf(await eventsOf(merchant), 0)

    const kept = await client
      .post('/api/v1/analytics/events')
      .header('X-Merchant', merchant.slug)
      .json({ events: [{ type: 'menu_view', session_id: session, occurred_at: recent }] })
    kept.assertStatus(202)
    const [row] = await eventsOf(merchant)
    assert.equal(row.created_at.toISOString(), recent)
  })

  test('without a merchant the endpoint refuses, and it has its own ingest limit per client', async ({
    client,
  }) => {
    const response = await client
      .post('/api/v1/analytics/events')
      .json({ events: [{ type: 'menu_view', session_id: session }] })
    response.assertStatus(400)
    const { merchant } = await createMerchant()
    const limited = await client
      .post('/api/v1/analytics/events')
      .header('X-Merchant', merchant.slug)
      .json({ events: [{ type: 'menu_view', session_id: session }] })
    limited.assertStatus(202)
    // The ingest limit (600/min), not api (100): guests behind one café Wi-Fi share an IP.
    limited.assertHeader('x-ratelimit-limit', '600')
    const byPath = await client
      .post(`/api/v1/analytics/m/${merchant.slug}/events`)
      .json({ events: [{ type: 'menu_view', session_id: session }] })
    byPath.assertStatus(202)
    byPath.assertHeader('x-ratelimit-limit', '600')
  })
})
