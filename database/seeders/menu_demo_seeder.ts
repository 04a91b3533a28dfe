import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { serveTenants } from '#providers/tenancy_provider'
import { contextFromMerchant, merchantDirectory, runWithTenant } from '#tenancy/index'
import MenuCategory from '#menu/models/menu_category'
import { catalog } from '#menu/services/catalog_service'

type DemoOption = { name: string; priceDeltaMinor?: number; allergens?: string[] }
type DemoGroup = { name: string; isRequired?: boolean; maxSelect?: number; options: DemoOption[] }
type DemoItem = Record<string, unknown> & {
  name: string
  priceMinor: number
  modifierGroups?: DemoGroup[]
}
type DemoCategory = { name: string; availability?: object[]; items: DemoItem[] }

const MENUS: Record<string, DemoCategory[]> = {
  'demo-coffee': [
    {
      name: 'Coffee',
      items: [
        {
          name: 'Latte',
          description: 'Double espresso with steamed milk',
          priceMinor: 350,
          dietaryFlags: ['vegetarian'],
          allergens: ['milk'],
          modifierGroups: [
            {
              name: 'Milk',
              isRequired: true,
              options: [
                { name: 'Whole milk', allergens: ['milk'] },
                { name: 'Skimmed milk', allergens: ['milk'] },
                { name: 'Oat milk', priceDeltaMinor: 50, allergens: ['gluten'] },
                { name: 'Soy milk', priceDeltaMinor: 50, allergens: ['soy'] },
              ],
            },
            {
              name: 'Size',
              isRequired: true,
              options: [{ name: 'Regular' }, { name: 'Large', priceDeltaMinor: 80 }],
            },
          ],
        },
        { name: 'Espresso', priceMinor: 150, dietaryFlags: ['vegan', 'gluten_free'] },
        { name: 'Cappuccino', priceMinor: 320, dietaryFlags: ['vegetarian'], allergens: ['milk'] },
      ],
    },
    {
      name: 'Breakfast',
      availability: [{ start: '07:00', end: '11:00' }],
      items: [
        {
          name: 'Cornetto',
          priceMinor: 180,
          dietaryFlags: ['vegetarian'],
          allergens: ['gluten', 'eggs', 'milk'],
        },
        {
          name: 'Avocado toast',
          priceMinor: 750,
          dietaryFlags: ['vegan'],
          allergens: ['gluten', 'sesame'],
        },
      ],
    },
  ],
  'demo-wellness': [
    {
      name: 'Massages',
      items: [
        { name: 'Relaxing massage 60 min', priceMinor: 6500, durationMinutes: 60 },
        { name: 'Deep tissue 90 min', priceMinor: 9000, durationMinutes: 90 },
      ],
    },
  ],
  'demo-rentals': [
    {
      name: 'Bikes',
      items: [
        {
          name: 'City bike',
          priceMinor: 1500,
          rentalUnit: 'day',
          modifierGroups: [
            {
              name: 'Extras',
              maxSelect: 2,
              options: [
                { name: 'Helmet', priceDeltaMinor: 300 },
                { name: 'Child seat', priceDeltaMinor: 500 },
              ],
            },
          ],
        },
        { name: 'E-bike', priceMinor: 1000, rentalUnit: 'hour' },
      ],
    },
  ],
}

/** Demo menus for the demo merchants (run after demo_seeder). A merchant that has a menu is left alone. */
export default class MenuDemoSeeder extends BaseSeeder {
  async run() {
    await serveTenants()
    for (const [slug, categories] of Object.entries(MENUS)) {
      const merchant = await merchantDirectory.bySlug(slug)
      if (!merchant) continue
      await runWithTenant(contextFromMerchant(merchant), async () => {
        if (await MenuCategory.forTenant().first()) return
        for (const [position, { items, ...category }] of categories.entries()) {
          const created = await catalog.create(MenuCategory, {
            ...category,
            displayOrder: position + 1,
          })
          for (const [index, { modifierGroups: groups = [], ...item }] of items.entries()) {
            const currency = 'EUR'
            const made = await catalog.createItem({
              ...item,
              currency,
              categoryId: created.id,
              displayOrder: index + 1,
            })
            for (const [g, { options, ...group }] of groups.entries()) {
              const madeGroup = await catalog.createGroup(made.id, {
                ...group,
                displayOrder: g + 1,
              })
              for (const [o, option] of options.entries())
                await catalog.createOption(madeGroup.id, { ...option, displayOrder: o + 1 })
            }
          }
        }
      })
    }
  }
}
