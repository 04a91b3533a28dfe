import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { bootTenancy } from '#tenancy/services/boot'
import { contextFromMerchant, merchantDirectory, runWithTenant } from '#tenancy/index'
import MenuCategory from '#menu/models/menu_category'
import { catalog } from '#menu/services/catalog_service'

type DemoOption = { name: string; price_delta_minor?: number; allergens?: string[] }
type DemoGroup = { name: string; is_required?: boolean; max_select?: number; options: DemoOption[] }
type DemoItem = Record<string, unknown> & { name: string; price_minor: number; modifier_groups?: DemoGroup[] }
type DemoCategory = { name: string; availability?: object[]; items: DemoItem[] }

const MENUS: Record<string, DemoCategory[]> = {
  'demo-coffee': [
    {
      name: 'Coffee',
      items: [
        {
          name: 'Latte',
          description: 'Double espresso with steamed milk',
          price_minor: 350,
          dietary_flags: ['vegetarian'],
          allergens: ['milk'],
          modifier_groups: [
            {
              name: 'Milk',
              is_required: true,
              options: [
                { name: 'Whole milk', allergens: ['milk'] },
                { name: 'Skimmed milk', allergens: ['milk'] },
                { name: 'Oat milk', price_delta_minor: 50, allergens: ['gluten'] },
                { name: 'Soy milk', price_delta_minor: 50, allergens: ['soy'] },
              ],
            },
            {
              name: 'Size',
              is_required: true,
              options: [{ name: 'Regular' }, { name: 'Large', price_delta_minor: 80 }],
            },
          ],
        },
        { name: 'Espresso', price_minor: 150, dietary_flags: ['vegan', 'gluten_free'] },
        { name: 'Cappuccino', price_minor: 320, dietary_flags: ['vegetarian'], allergens: ['milk'] },
      ],
    },
    {
      name: 'Breakfast',
      availability: [{ start: '07:00', end: '11:00' }],
      items: [
        { name: 'Cornetto', price_minor: 180, dietary_flags: ['vegetarian'], allergens: ['gluten', 'eggs', 'milk'] },
        { name: 'Avocado toast', price_minor: 750, dietary_flags: ['vegan'], allergens: ['gluten', 'sesame'] },
      ],
    },
  ],
  'demo-wellness': [
    {
      name: 'Massages',
      items: [
        { name: 'Relaxing massage 60 min', price_minor: 6500, duration_minutes: 60 },
        { name: 'Deep tissue 90 min', price_minor: 9000, duration_minutes: 90 },
      ],
    },
  ],
  'demo-rentals': [
    {
      name: 'Bikes',
      items: [
        {
          name: 'City bike',
          price_minor: 1500,
          rental_unit: 'day',
          modifier_groups: [{ name: 'Extras', max_select: 2, options: [{ name: 'Helmet', price_delta_minor: 300 }, { name: 'Child seat', price_delta_minor: 500 }] }],
        },
        { name: 'E-bike', price_minor: 1000, rental_unit: 'hour' },
      ],
    },
  ],
}

/** Demo menus for the demo merchants (run after demo_seeder). A merchant that has a menu is left alone. */
export default class MenuDemoSeeder extends BaseSeeder {
  async run() {
    await bootTenancy()
    for (const [slug, categories] of Object.entries(MENUS)) {
      const merchant = await merchantDirectory.bySlug(slug)
      if (!merchant) continue
      await runWithTenant(contextFromMerchant(merchant), async () => {
        if (await MenuCategory.forTenant().first()) return
        for (const [position, { items, ...category }] of categories.entries()) {
          const created = await catalog.create(MenuCategory, { ...category, display_order: position + 1 })
          for (const [index, { modifier_groups: groups = [], ...item }] of items.entries()) {
            const currency = 'EUR'
            const made = await catalog.createItem({ ...item, currency, category_id: created.id, display_order: index + 1 })
            for (const [g, { options, ...group }] of groups.entries()) {
              const madeGroup = await catalog.createGroup(made.id, { ...group, display_order: g + 1 })
              for (const [o, option] of options.entries()) await catalog.createOption(madeGroup.id, { ...option, display_order: o + 1 })
            }
          }
        }
      })
    }
  }
}
