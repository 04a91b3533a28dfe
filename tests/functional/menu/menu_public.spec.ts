import { test } from '@japa/runner'
import { moduleAccess } from '#tenancy/services/module_access_service'
import { localTime } from '#menu/services/availability'
import { buildCoffeeMenu, countShardQueries } from './menu_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'
import { expectStatus } from '#tests/support/http'

const names = (body: any) =>
  body.data.categories.flatMap((c: any) => c.items.map((i: any) => i.name))

function hhmm(minutes: number) {
  const m = ((minutes % 1440) + 1440) % 1440
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

test.group('menu / public read', () => {
  test('serves the active menu with cache and HTTP caching headers, 304 on a matching ETag', async ({
    client,
    assert,
  }) => {
    const { token, merchant } = await createMerchantWithToken()
    const menu = await buildCoffeeMenu(client, token)
    await client
      .patch(`/api/v1/menu/items/${menu.espresso.id}`)
      .bearerToken(token)
      .json({ is_active: false })
    await client
      .put(`/api/v1/menu/items/${menu.cookie.id}/sold-out`)
      .bearerToken(token)
      .json({ sold_out: true })

    const first = await client.get(`/api/v1/menus/${merchant.slug}`)
    first.assertStatus(200)
    assert.equal(first.header('x-cache'), 'MISS')
    assert.equal(first.header('cache-control'), 'public, s-maxage=300, stale-while-revalidate=600')
    assert.match(first.header('etag')!, /^"[\w-]{32}"$/)
    assert.deepEqual(names(first.body()), ['Latte', 'Hazelnut cookie'])
    const cookie = first.body().data.categories[1].items[0]
    assert.isTrue(cookie.sold_out)
    assert.deepEqual(cookie.allergens, ['gluten', 'nuts', 'eggs'])
    const latte = first.body().data.categories[0].items[0]
    assert.deepEqual(
      latte.modifier_groups[0].options.map((o: any) => o.name),
      ['Oat milk', 'Whole milk']
    )

    const second = await client.get(`/api/v1/menus/${merchant.slug}`)
    assert.equal(second.header('x-cache'), 'HIT-MEMORY')
    assert.match(second.header('x-request-id')!, /^[\w-]{8,}$/)
    // Answered in front of the framework (no rate limiter ran), unlike the miss.
    assert.exists(first.header('x-ratelimit-limit'))
    assert.notExists(second.header('x-ratelimit-limit'))
    assert.equal(second.header('etag'), first.header('etag'))
    assert.deepEqual(second.body(), first.body())

    const notModified = await client
      .get(`/api/v1/menus/${merchant.slug}`)
      .header('If-None-Match', first.header('etag')!)
    notModified.assertStatus(304)
    assert.equal(notModified.header('etag'), first.header('etag'))
    // The same through the framework (a signed-in call is not answered early).
    const viaFramework = await client
      .get(`/api/v1/menus/${merchant.slug}`)
      .bearerToken(token)
      .header('If-None-Match', first.header('etag')!)
    viaFramework.assertStatus(304)
    assert.exists(viaFramework.header('x-ratelimit-limit'))
    const changedTag = await client
      .get(`/api/v1/menus/${merchant.slug}`)
      .header('If-None-Match', '"something-else"')
    changedTag.assertStatus(200)
  })

  test('a miss is built with exactly one SQL query on the shard', async ({ client, assert }) => {
    const { token, merchant } = await createMerchantWithToken()
    await buildCoffeeMenu(client, token)
    const { result, statements } = await countShardQueries(merchant.shardId, () =>
      client.get(`/api/v1/menus/${merchant.slug}`)
    )
    assert.equal(result.header('x-cache'), 'MISS')
    assert.lengthOf(statements, 1, statements.join('\n'))
    assert.match(statements[0], /json_agg/)
    assert.lengthOf(names(result.body()), 3)

    const hit = await countShardQueries(merchant.shardId, () =>
      client.get(`/api/v1/menus/${merchant.slug}`)
    )
    assert.lengthOf(hit.statements, 0)
  })

  test('filters by dietary flags and excluded allergens, down to modifier options', async ({
    client,
    assert,
  }) => {
    const { token, merchant } = await createMerchantWithToken()
    await buildCoffeeMenu(client, token)
    const get = (query: string) => client.get(`/api/v1/menus/${merchant.slug}?${query}`)
    const bodyFor = async (query: string) => {
      const response = await get(query)
      return response.body()
    }

    assert.deepEqual(names(await bodyFor('dietary=vegan')), ['Espresso'])
    assert.deepEqual(names(await bodyFor('dietary=vegan,gluten_free')), ['Espresso'])
    assert.deepEqual(names(await bodyFor('dietary=vegetarian')), ['Latte', 'Hazelnut cookie'])
    assert.deepEqual(names(await bodyFor('exclude_allergens=nuts')), ['Espresso', 'Latte'])
    assert.deepEqual(names(await bodyFor('exclude_allergens=milk,nuts')), ['Espresso'])
    // Oat milk carries gluten: it goes, whole milk still satisfies the required milk group.
    const noGluten = await bodyFor('exclude_allergens=gluten')
    assert.deepEqual(names(noGluten), ['Espresso', 'Latte'])
    assert.deepEqual(
      noGluten.data.categories[0].items[1].modifier_groups[0].options.map((o: any) => o.name),
      ['Whole milk']
    )
    // The same filters in another order share one cache entry and one ETag.
    const a = await get('exclude_allergens=milk,nuts')
    const b = await get('exclude_allergens=nuts&exclude_allergens=MILK')
    assert.equal(a.header('etag'), b.header('etag'))

    const bad = await get('exclude_allergens=kryptonite')
    bad.assertStatus(422)
    assert.equal(bad.body().errors[0].field, 'exclude_allergens')
    await expectStatus(get('dietary=paleo'), 422)
  })

  test('honours availability windows in the merchant time zone at request time', async ({
    client,
    assert,
  }) => {
    const timezone = 'Asia/Tokyo'
    const { token, merchant } = await createMerchantWithToken({ timezone })
    const now = localTime(timezone).minutes
    const post = async (body: object) => {
      const response = await client.post('/api/v1/menu/categories').bearerToken(token).json(body)
      return response.body().data
    }
    const open = await post({
      name: 'Now',
      availability: [{ start: hhmm(now - 60), end: hhmm(now + 60) }],
    })
    const later = await post({
      name: 'Later',
      availability: [{ start: hhmm(now + 120), end: hhmm(now + 180) }],
    })
    const otherDay = localTime(timezone).weekday === 1 ? 2 : 1
    const notToday = await post({
      name: 'Other day',
      availability: [{ days: [otherDay], start: '00:00', end: '23:59' }],
    })
    await post({ name: 'Always' })
    for (const category of [open, later, notToday]) {
      await client
        .post('/api/v1/menu/items')
        .bearerToken(token)
        .json({ category_id: category.id, name: category.name, price_minor: 100, currency: 'JPY' })
    }
    const response = await client.get(`/api/v1/menus/${merchant.slug}`)
    const body = response.body()
    assert.sameMembers(
      body.data.categories.map((c: any) => c.name),
      ['Now', 'Always']
    )
  })

  test('a staff edit shows on the very next read', async ({ client, assert }) => {
    const { token, merchant } = await createMerchantWithToken()
    const menu = await buildCoffeeMenu(client, token)
    await client.get(`/api/v1/menus/${merchant.slug}`)
    const warm = await client.get(`/api/v1/menus/${merchant.slug}`)
    assert.equal(warm.header('x-cache'), 'HIT-MEMORY')

    await client
      .patch(`/api/v1/menu/items/${menu.latte.id}`)
      .bearerToken(token)
      .json({ name: 'Flat white' })
    const next = await client.get(`/api/v1/menus/${merchant.slug}`)
    assert.equal(next.header('x-cache'), 'MISS')
    assert.include(names(next.body()), 'Flat white')
    assert.notEqual(next.header('etag'), warm.header('etag'))
    // The old ETag no longer matches.
    await expectStatus(
      client.get(`/api/v1/menus/${merchant.slug}`).header('If-None-Match', warm.header('etag')!),
      200
    )
  })

  test('the early path still refuses what the full stack refuses', async ({ client, assert }) => {
    // digital_menu: no other module of the merchant depends on the menu, so it can be switched off.
    const { token, merchant } = await createMerchantWithToken({ tier: 'digital_menu' })
    await buildCoffeeMenu(client, token)
    await client.get(`/api/v1/menus/${merchant.slug}`)
    const second = await client.get(`/api/v1/menus/${merchant.slug}`)
    assert.equal(second.header('x-cache'), 'HIT-MEMORY')

    await moduleAccess.disable(merchant.slug, 'menu')
    const off = await client.get(`/api/v1/menus/${merchant.slug}`)
    off.assertStatus(404)
    assert.equal(off.body().errors[0].code, 'E_MODULE_DISABLED')
    await moduleAccess.enable(merchant.slug, 'menu')
    await expectStatus(client.get(`/api/v1/menus/${merchant.slug}`), 200)
    await expectStatus(client.get('/api/v1/menus/no-such-merchant-here'), 404)
    // Every tier has the menu.
    for (const tier of ['pre_ordering', 'full_suite'] as const) {
      const other = await createMerchantWithToken({ tier })
      await expectStatus(client.get(`/api/v1/menus/${other.merchant.slug}`), 200)
    }
  })
})
