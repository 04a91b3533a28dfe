import { test } from '@japa/runner'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { buildCoffeeMenu } from './menu_helpers.js'
import { createMerchantWithToken, issueToken } from '#tests/support/merchants'
import { expectStatus } from '#tests/support/http'

test.group('menu / staff CRUD', () => {
  test('builds a menu and reads it back as staff, with private no-store responses', async ({
    client,
    assert,
  }) => {
    const { token } = await createMerchantWithToken()
    const menu = await buildCoffeeMenu(client, token)
    assert.equal(menu.latte.currency, 'EUR')
    assert.equal(menu.latte.price_minor, 350)
    assert.deepEqual(menu.milk.min_select, 1)

    const tree = await client.get('/api/v1/menu').bearerToken(token)
    tree.assertStatus(200)
    assert.equal(tree.header('cache-control'), 'private, no-store')
    const [drinks, bakery] = tree.body().data.categories
    assert.deepEqual([drinks.name, bakery.name], ['Drinks', 'Bakery'])
    assert.deepEqual(
      drinks.items.map((i: any) => i.name),
      ['Espresso', 'Latte']
    )
    const latte = drinks.items.find((i: any) => i.name === 'Latte')
    assert.deepEqual(
      latte.modifier_groups[0].options.map((o: any) => [o.name, o.price_delta_minor]),
      [
        ['Oat milk', 50],
        ['Whole milk', 0],
      ]
    )
  })

  test('updates, toggles sold out, reorders and deletes', async ({ client, assert }) => {
    const { token } = await createMerchantWithToken()
    const menu = await buildCoffeeMenu(client, token)

    const renamed = await client
      .patch(`/api/v1/menu/items/${menu.latte.id}`)
      .bearerToken(token)
      .json({ name: 'Caffè latte', price_minor: 380 })
    renamed.assertStatus(200)
    assert.equal(renamed.body().data.name, 'Caffè latte')
    assert.equal(renamed.header('cache-control'), 'private, no-store')

    const soldOut = await client
      .put(`/api/v1/menu/items/${menu.latte.id}/sold-out`)
      .bearerToken(token)
      .json({ sold_out: true })
    soldOut.assertStatus(200)
    assert.isTrue(soldOut.body().data.sold_out)

    const reorder = await client
      .post(`/api/v1/menu/categories/${menu.drinks.id}/items/reorder`)
      .bearerToken(token)
      .json({ ids: [menu.latte.id, menu.espresso.id] })
    reorder.assertStatus(204)
    await client
      .post('/api/v1/menu/categories/reorder')
      .bearerToken(token)
      .json({ ids: [menu.bakery.id, menu.drinks.id] })
    const reread = await client.get('/api/v1/menu').bearerToken(token)
    const tree = reread.body().data.categories
    assert.deepEqual(
      tree.map((c: any) => c.name),
      ['Bakery', 'Drinks']
    )
    assert.deepEqual(
      tree[1].items.map((i: any) => i.name),
      ['Caffè latte', 'Espresso']
    )

    const group = await client
      .patch(`/api/v1/menu/modifier-groups/${menu.milk.id}`)
      .bearerToken(token)
      .json({ max_select: 2 })
    group.assertStatus(200)
    assert.equal(group.body().data.max_select, 2)
    const option = await client
      .patch(`/api/v1/menu/modifier-options/${menu.oat.id}`)
      .bearerToken(token)
      .json({ in_stock: false })
    assert.isFalse(option.body().data.in_stock)

    await expectStatus(
      client.delete(`/api/v1/menu/modifier-options/${menu.whole.id}`).bearerToken(token),
      204
    )
    await expectStatus(
      client.delete(`/api/v1/menu/categories/${menu.drinks.id}`).bearerToken(token),
      204
    )
    await expectStatus(client.get(`/api/v1/menu/items/${menu.latte.id}`).bearerToken(token), 404)
  })

  test('rejects bad input with 422 and the fields at fault', async ({ client, assert }) => {
    const { token } = await createMerchantWithToken()
    const menu = await buildCoffeeMenu(client, token)
    const bad = await client
      .post('/api/v1/menu/items')
      .bearerToken(token)
      .json({
        category_id: menu.drinks.id,
        name: '',
        price_minor: -5,
        currency: 'euro',
        allergens: ['milk', 'shellfish'],
        dietary_flags: ['paleo'],
        rental_unit: 'month',
        image_url: 'not a url',
      })
    bad.assertStatus(422)
    const fields = bad.body().errors.map((e: any) => e.field)
    for (const field of [
      'name',
      'price_minor',
      'currency',
      'allergens.1',
      'dietary_flags.0',
      'rental_unit',
      'image_url',
    ]) {
      assert.include(fields, field)
    }
    const window = await client
      .post('/api/v1/menu/categories')
      .bearerToken(token)
      .json({ name: 'Breakfast', availability: [{ start: '25:00', end: '11:00' }] })
    window.assertStatus(422)
    assert.include(
      window.body().errors.map((e: any) => e.field),
      'availability.0.start'
    )

    const range = await client
      .post(`/api/v1/menu/items/${menu.espresso.id}/modifier-groups`)
      .bearerToken(token)
      .json({ name: 'Shots', min_select: 3, max_select: 2 })
    range.assertStatus(422)
    assert.equal(range.body().errors[0].field, 'min_select')

    const required = await client
      .patch(`/api/v1/menu/modifier-groups/${menu.milk.id}`)
      .bearerToken(token)
      .json({ min_select: 0 })
    required.assertStatus(422)
    await expectStatus(client.get('/api/v1/menu/items/not-a-uuid').bearerToken(token), 404)
  })

  test('is for owners and managers: plain staff get 403', async ({ client, assert }) => {
    const { merchant } = await createMerchantWithToken()
    const user = await User.create({
      email: `barista@${merchant.slug}.test`,
      password: 'test-password-1',
    })
    await Membership.create({ userId: user.id, merchantId: merchant.id, role: 'staff' })
    const token = await issueToken(user.email, merchant.id)
    const response = await client
      .post('/api/v1/menu/categories')
      .bearerToken(token)
      .json({ name: 'Drinks' })
    response.assertStatus(403)
    assert.equal(response.header('cache-control'), 'private, no-store')
  })

  test('is for owners and managers: no token is 401', async ({ client }) => {
    const { merchant } = await createMerchantWithToken()
    await expectStatus(client.get('/api/v1/menu').header('X-Merchant', merchant.slug), 401)
  })
})
