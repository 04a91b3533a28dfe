import { test } from '@japa/runner'
import type { OrderableItem } from '#menu/index'
import { priceOrder } from '#orders/services/pricing'

const latte: OrderableItem = {
  id: 'latte',
  name: 'Latte',
  price_minor: 350,
  currency: 'EUR',
  unorderable: null,
  modifier_groups: [
    {
      id: 'milk',
      name: 'Milk',
      is_required: true,
      min_select: 1,
      max_select: 1,
      display_order: 0,
      options: [
        {
          id: 'whole',
          name: 'Whole',
          price_delta_minor: 0,
          allergens: [],
          in_stock: true,
          display_order: 0,
        },
        {
          id: 'oat',
          name: 'Oat',
          price_delta_minor: 50,
          allergens: [],
          in_stock: true,
          display_order: 1,
        },
      ],
    },
    {
      id: 'extras',
      name: 'Extras',
      is_required: false,
      min_select: 0,
      max_select: 2,
      display_order: 1,
      options: [
        {
          id: 'shot',
          name: 'Shot',
          price_delta_minor: 70,
          allergens: [],
          in_stock: true,
          display_order: 0,
        },
        {
          id: 'discount',
          name: 'No cup',
          price_delta_minor: -500,
          allergens: [],
          in_stock: true,
          display_order: 1,
        },
        {
          id: 'gone',
          name: 'Gone',
          price_delta_minor: 10,
          allergens: [],
          in_stock: false,
          display_order: 2,
        },
      ],
    },
  ],
}
const tea: OrderableItem = {
  id: 'tea',
  name: 'Tea',
  price_minor: 200,
  currency: 'GBP',
  unorderable: null,
  modifier_groups: [],
}
const menu = new Map([
  ['latte', latte],
  ['tea', tea],
  ['cake', { ...tea, id: 'cake', name: 'Cake', currency: 'EUR', unorderable: 'sold_out' as const }],
])

function refusal(fn: () => unknown) {
  try {
    fn()
  } catch (error: any) {
    return { code: error.code, field: error.field, status: error.status }
  }
  throw new Error('expected a refusal')
}

test.group('Orders: pricing', () => {
  test('unit price is the base plus the chosen options; lines multiply by quantity', ({
    assert,
  }) => {
    const priced = priceOrder(
      [{ item_id: 'latte', quantity: 3, option_ids: ['oat', 'shot'] }],
      menu
    )
    assert.equal(priced.lines[0].unit_price_minor, 470)
    assert.equal(priced.lines[0].line_total_minor, 1410)
    assert.equal(priced.total_minor, 1410)
    assert.deepEqual(
      priced.lines[0].modifiers.map((m) => m.option_id),
      ['oat', 'shot']
    )
  })

  test('refusals name the rule and the field', ({ assert }) => {
    const line = (extra: object) => [{ item_id: 'latte', quantity: 1, ...extra }]
    assert.deepEqual(
      refusal(() => priceOrder(line({ option_ids: [] }), menu)),
      { code: 'E_MODIFIER_SELECTION', field: 'items.0.option_ids', status: 422 }
    )
    assert.equal(
      refusal(() => priceOrder(line({ option_ids: ['whole', 'oat'] }), menu)).code,
      'E_MODIFIER_SELECTION'
    )
    assert.equal(
      refusal(() => priceOrder(line({ option_ids: ['whole', 'gone'] }), menu)).code,
      'E_OPTION_OUT_OF_STOCK'
    )
    assert.equal(
      refusal(() => priceOrder(line({ option_ids: ['whole', 'nope'] }), menu)).code,
      'E_OPTION_NOT_FOUND'
    )
    assert.equal(
      refusal(() => priceOrder(line({ option_ids: ['whole', 'discount'] }), menu)).code,
      'E_MODIFIER_SELECTION',
      'never a negative price'
    )
    assert.deepEqual(
      refusal(() => priceOrder([{ item_id: 'cake', quantity: 1 }], menu)),
      { code: 'E_ITEM_SOLD_OUT', field: 'items.0.item_id', status: 422 }
    )
    assert.equal(
      refusal(() => priceOrder([{ item_id: 'x', quantity: 1 }], menu)).code,
      'E_ITEM_NOT_FOUND'
    )
    const mixed = refusal(() =>
      priceOrder(
        [
          { item_id: 'latte', quantity: 1, option_ids: ['whole'] },
          { item_id: 'tea', quantity: 1 },
        ],
        menu
      )
    )
    assert.deepEqual(mixed, { code: 'E_CURRENCY_MISMATCH', field: 'items.1.item_id', status: 422 })
  })
})
