import { test } from '@japa/runner'
import { buildCoffeeMenu } from './menu_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'
import { expectStatus } from '#tests/support/http'

test.group('menu / tenant isolation', () => {
  test('staff of merchant A get 404 for every id of merchant B, on every route', async ({
    client,
    assert,
  }) => {
    const a = await createMerchantWithToken()
    const b = await createMerchantWithToken()
    await buildCoffeeMenu(client, a.token)
    const theirs = await buildCoffeeMenu(client, b.token)
    const importRun = await client
      .post('/api/v1/menu/imports')
      .bearerToken(b.token)
      .json({ format: 'json', content: '{"categories":[]}' })
    const exportRun = await client
      .post('/api/v1/menu/exports')
      .bearerToken(b.token)
      .json({ format: 'csv' })
    importRun.assertStatus(202)
    exportRun.assertStatus(202)

    const routes: Array<[string, string, object?]> = [
      ['get', `/api/v1/menu/categories/${theirs.drinks.id}`],
      ['patch', `/api/v1/menu/categories/${theirs.drinks.id}`, { name: 'Mine now' }],
      ['delete', `/api/v1/menu/categories/${theirs.drinks.id}`],
      ['post', `/api/v1/menu/categories/reorder`, { ids: [theirs.bakery.id, theirs.drinks.id] }],
      [
        'post',
        `/api/v1/menu/categories/${theirs.drinks.id}/items/reorder`,
        { ids: [theirs.latte.id] },
      ],
      [
        'post',
        '/api/v1/menu/items',
        { category_id: theirs.drinks.id, name: 'Sneaky', price_minor: 1, currency: 'EUR' },
      ],
      ['get', `/api/v1/menu/items/${theirs.latte.id}`],
      ['patch', `/api/v1/menu/items/${theirs.latte.id}`, { name: 'Mine now' }],
      ['delete', `/api/v1/menu/items/${theirs.latte.id}`],
      ['put', `/api/v1/menu/items/${theirs.latte.id}/sold-out`, { sold_out: true }],
      ['post', `/api/v1/menu/items/${theirs.latte.id}/modifier-groups`, { name: 'Sneaky' }],
      ['get', `/api/v1/menu/modifier-groups/${theirs.milk.id}`],
      ['patch', `/api/v1/menu/modifier-groups/${theirs.milk.id}`, { name: 'Mine now' }],
      ['delete', `/api/v1/menu/modifier-groups/${theirs.milk.id}`],
      ['post', `/api/v1/menu/modifier-groups/${theirs.milk.id}/options`, { name: 'Sneaky' }],
      ['get', `/api/v1/menu/modifier-options/${theirs.oat.id}`],
      ['patch', `/api/v1/menu/modifier-options/${theirs.oat.id}`, { name: 'Mine now' }],
      ['delete', `/api/v1/menu/modifier-options/${theirs.oat.id}`],
      ['get', `/api/v1/menu/imports/${importRun.body().data.id}`],
      ['get', `/api/v1/menu/exports/${exportRun.body().data.id}`],
      ['get', `/api/v1/menu/exports/${exportRun.body().data.id}/download`],
    ]
    for (const [method, url, body] of routes) {
      const request = (client as any)[method](url).bearerToken(a.token)
      const response = body ? await request.json(body) : await request
      assert.equal(
        response.status(),
        404,
        `${method.toUpperCase()} ${url} answered ${response.status()}`
      )
      assert.notInclude(
        JSON.stringify(response.body()),
        'Latte',
        `${method.toUpperCase()} ${url} leaked data`
      )
    }

    // B's menu is untouched.
    const untouched = await client.get('/api/v1/menu').bearerToken(b.token)
    const tree = untouched.body().data.categories
    assert.deepEqual(
      tree.map((c: any) => c.name),
      ['Drinks', 'Bakery']
    )
    assert.isFalse(tree[0].items.find((i: any) => i.name === 'Latte').sold_out)
    assert.lengthOf(
      tree[0].items.find((i: any) => i.name === 'Latte').modifier_groups[0].options,
      2
    )
  })

  test('a staff token of A naming B in X-Merchant is refused, not switched', async ({ client }) => {
    const a = await createMerchantWithToken()
    const b = await createMerchantWithToken()
    await expectStatus(
      client.get('/api/v1/menu').bearerToken(a.token).header('X-Merchant', b.merchant.slug),
      403
    )
  })
})
