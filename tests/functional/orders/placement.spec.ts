import { createHash } from 'node:crypto'
import { test } from '@japa/runner'
import {
  buildMenu,
  createSlot,
  customerToken,
  guest,
  nextUtc,
  postOrder,
  bookedPlaces,
  shardRow,
} from './orders_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'

test.group('Orders: placement and server-side pricing', () => {
  test('an order with modifiers is priced from the menu; prices sent by the client are ignored', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 5 })

    const response = await postOrder(client, shop.slug, {
      pickup_slot_id: slot.id,
      customer: guest,
      total_minor: 1,
      items: [
        {
          item_id: menu.latte.id,
          quantity: 2,
          option_ids: [menu.oat.id, menu.shot.id, menu.syrup.id],
          price_minor: 1,
          unit_price_minor: 1,
        },
        { item_id: menu.espresso.id, quantity: 1, price_minor: 0, notes: 'very hot' },
      ],
    })
    response.assertStatus(201)
    const order = response.body().data
    // Latte 350 + oat 50 + shot 70 + syrup 40 = 510, twice; espresso 150.
    assert.equal(order.items[0].unit_price_minor, 510)
    assert.equal(order.items[0].line_total_minor, 1020)
    assert.equal(order.items[1].unit_price_minor, 150)
    assert.equal(order.total_minor, 1170)
    assert.equal(order.subtotal_minor, 1170)
    assert.equal(order.currency, 'EUR')
    assert.equal(order.status, 'pending')
    assert.equal(order.number, 1)
    assert.equal(order.pickup.slot_id, slot.id)
    assert.equal(order.pickup.at, slot.starts_at)
    assert.deepEqual(order.customer, {
      name: 'Ada',
      email: 'ada@mail.test',
      phone: null,
      user_id: null,
    })
    assert.sameDeepMembers(
      order.items[0].modifiers.map((m: any) => [m.group_name, m.name, m.price_delta_minor]),
      [
        ['Milk', 'Oat milk', 50],
        ['Extras', 'Extra shot', 70],
        ['Extras', 'Vanilla syrup', 40],
      ]
    )
    assert.equal(order.items[1].notes, 'very hot')

    // The token is opaque and only its hash is stored.
    assert.match(order.tracking_token, new RegExp(`^${shop.merchant.id}\\.[A-Za-z0-9_-]{43}$`))
    const row = await shardRow(shop.merchant.id, 'orders', { id: order.id })
    assert.equal(
      row.tracking_token_hash,
      createHash('sha256').update(order.tracking_token).digest('hex')
    )
    assert.notInclude(JSON.stringify(row), order.tracking_token)
    assert.equal(row.total_minor, 1170)
    assert.equal(await bookedPlaces(shop.merchant.id, slot.id), 1)

    // The next order of the day gets the next number.
    const second = await postOrder(client, shop.slug, {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    })
    second.assertStatus(201)
    assert.equal(second.body().data.number, 2)
  })

  test('the X-Merchant header works like the merchant path; numbers are per merchant', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 5 })
    const response = await client
      .post('/api/v1/orders')
      .header('X-Merchant', shop.slug)
      .json({
        pickup_slot_id: slot.id,
        customer: { name: 'Bo', phone: '+393331234567' },
        items: [{ item_id: menu.espresso.id, quantity: 3 }],
      })
    response.assertStatus(201)
    assert.equal(response.body().data.total_minor, 450)
    assert.equal(
      response.body().data.number,
      1,
      'a new merchant starts at 1 whatever other merchants did'
    )
  })

  test('a signed-in customer orders under their account', async ({ client, assert }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 5 })
    const customer = await customerToken()
    const response = await client
      .post(`/api/v1/orders/m/${shop.slug}`)
      .bearerToken(customer.token)
      .json({ pickup_slot_id: slot.id, items: [{ item_id: menu.espresso.id, quantity: 1 }] })
    response.assertStatus(201)
    assert.equal(response.body().data.customer.user_id, customer.userId)
    assert.equal(response.body().data.customer.email, customer.email)
  })

  test('the menu refuses {case}')
    .with([
      {
        case: 'an item of no menu',
        line: (_m: any) => ({ item_id: '00000000-0000-4000-8000-000000000000', quantity: 1 }),
        code: 'E_ITEM_NOT_FOUND',
        field: 'items.0.item_id',
      },
      {
        case: 'an inactive item',
        line: (m: any) => ({ item_id: m.secret.id, quantity: 1 }),
        code: 'E_ITEM_UNAVAILABLE',
        field: 'items.0.item_id',
      },
      {
        case: 'a sold-out item',
        line: (m: any) => ({ item_id: m.mocha.id, quantity: 1 }),
        code: 'E_ITEM_SOLD_OUT',
        field: 'items.0.item_id',
      },
      {
        case: 'an item outside its hours at pickup',
        line: (m: any) => ({ item_id: m.cornetto.id, quantity: 1 }),
        code: 'E_ITEM_UNAVAILABLE',
        field: 'items.0.item_id',
      },
      {
        case: 'a required group left out',
        line: (m: any) => ({ item_id: m.latte.id, quantity: 1 }),
        code: 'E_MODIFIER_SELECTION',
        field: 'items.0.option_ids',
      },
      {
        case: 'two options of a single-choice group',
        line: (m: any) => ({
          item_id: m.latte.id,
          quantity: 1,
          option_ids: [m.whole.id, m.oat.id],
        }),
        code: 'E_MODIFIER_SELECTION',
        field: 'items.0.option_ids',
      },
      {
        case: 'more options than max_select',
        line: (m: any) => ({
          item_id: m.latte.id,
          quantity: 1,
          option_ids: [m.whole.id, m.shot.id, m.syrup.id, m.cream.id],
        }),
        code: 'E_MODIFIER_SELECTION',
        field: 'items.0.option_ids',
      },
      {
        case: 'an out-of-stock option',
        line: (m: any) => ({ item_id: m.latte.id, quantity: 1, option_ids: [m.soy.id] }),
        code: 'E_OPTION_OUT_OF_STOCK',
        field: 'items.0.option_ids',
      },
      {
        case: 'an option of another item',
        line: (m: any) => ({ item_id: m.espresso.id, quantity: 1, option_ids: [m.oat.id] }),
        code: 'E_OPTION_NOT_FOUND',
        field: 'items.0.option_ids',
      },
    ])
    .run(async ({ client, assert }, row) => {
      const shop = await createMerchantWithToken()
      const menu = await buildMenu(client, shop.token)
      // 20:00 UTC: breakfast (07:00-11:00 in the merchant's UTC zone) is not served then.
      const slot = await createSlot(client, shop.token, { capacity: 5, startsAt: nextUtc(20) })
      const response = await postOrder(client, shop.slug, {
        pickup_slot_id: slot.id,
        customer: guest,
        items: [row.line(menu)],
      })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].code, row.code)
      assert.equal(response.body().errors[0].field, row.field)
      // Nothing was kept: the slot's place and the day's number are untouched.
      assert.equal(await bookedPlaces(shop.merchant.id, slot.id), 0)
      assert.notExists(
        await shardRow(shop.merchant.id, 'orders', { merchant_id: shop.merchant.id })
      )
    })

  test('an item with an availability window can be ordered for a pickup inside it', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 5, startsAt: nextUtc(8, 30) })
    const response = await postOrder(client, shop.slug, {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [{ item_id: menu.cornetto.id, quantity: 2 }],
    })
    response.assertStatus(201)
    assert.equal(response.body().data.total_minor, 360)
  })

  test("another merchant's item or slot is not on this menu", async ({ client, assert }) => {
    const a = await createMerchantWithToken()
    const b = await createMerchantWithToken()
    const menuA = await buildMenu(client, a.token)
    const menuB = await buildMenu(client, b.token)
    const slotA = await createSlot(client, a.token, { capacity: 5 })
    const slotB = await createSlot(client, b.token, { capacity: 5 })
    const foreignItem = await postOrder(client, a.slug, {
      pickup_slot_id: slotA.id,
      customer: guest,
      items: [{ item_id: menuB.espresso.id, quantity: 1 }],
    })
    foreignItem.assertStatus(422)
    assert.equal(foreignItem.body().errors[0].code, 'E_ITEM_NOT_FOUND')
    const foreignSlot = await postOrder(client, a.slug, {
      pickup_slot_id: slotB.id,
      customer: guest,
      items: [{ item_id: menuA.espresso.id, quantity: 1 }],
    })
    foreignSlot.assertStatus(422)
    assert.deepInclude(foreignSlot.body().errors[0], {
      code: 'E_SLOT_NOT_FOUND',
      field: 'pickup_slot_id',
    })
  })

  test('bad input is a 422 naming the fields', async ({ client, assert }) => {
    const shop = await createMerchantWithToken()
    const menu = await buildMenu(client, shop.token)
    const slot = await createSlot(client, shop.token, { capacity: 5 })

    const invalid = await postOrder(client, shop.slug, {
      pickup_slot_id: 'nope',
      items: [{ item_id: menu.espresso.id, quantity: 0 }],
    })
    invalid.assertStatus(422)
    const fields = invalid.body().errors.map((e: any) => e.field)
    assert.includeMembers(fields, ['pickup_slot_id', 'items.0.quantity'])
    assert.isTrue(invalid.body().errors.every((e: any) => e.code === 'E_VALIDATION'))

    const empty = await postOrder(client, shop.slug, {
      pickup_slot_id: slot.id,
      customer: guest,
      items: [],
    })
    empty.assertStatus(422)
    assert.equal(empty.body().errors[0].field, 'items')

    const noContact = await postOrder(client, shop.slug, {
      pickup_slot_id: slot.id,
      customer: { name: 'Ada' },
      items: [{ item_id: menu.espresso.id, quantity: 1 }],
    })
    noContact.assertStatus(422)
    assert.deepInclude(noContact.body().errors[0], {
      code: 'E_CONTACT_REQUIRED',
      field: 'customer.email',
    })

    const badKey = await postOrder(
      client,
      shop.slug,
      {
        pickup_slot_id: slot.id,
        customer: guest,
        items: [{ item_id: menu.espresso.id, quantity: 1 }],
      },
      { 'Idempotency-Key': 'x'.repeat(300) }
    )
    badKey.assertStatus(422)
    assert.equal(badKey.body().errors[0].field, 'Idempotency-Key')
  })

  test('a merchant without the orders module does not take orders', async ({ client, assert }) => {
    const shop = await createMerchantWithToken({ tier: 'digital_menu' })
    const response = await postOrder(client, shop.slug, {
      pickup_slot_id: '00000000-0000-4000-8000-000000000000',
      customer: guest,
      items: [],
    })
    response.assertStatus(404)
    assert.equal(response.body().errors[0].code, 'E_MODULE_DISABLED')
  })
})
