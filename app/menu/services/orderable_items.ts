import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { requireTenant, tenantDb } from '#tenancy/index'
import type { AvailabilityWindow } from '#menu/catalog'
import { isAvailable, localTime } from '#menu/services/availability'
import type { MenuModifierGroup } from '#menu/services/menu_query'

/** Why an item cannot be ordered now; null when it can. */
export type Unorderable = 'inactive' | 'sold_out' | 'outside_hours' | null

export type OrderableItem = {
  id: string
  name: string
  price_minor: number
  currency: string
  unorderable: Unorderable
  modifier_groups: MenuModifierGroup[]
}

/**
 * The items an order names, with their modifier groups and options, for pricing on the server.
 * One query; pass the caller's transaction so the prices read are those of the primary at the
 * moment of the order. `at` is when the item will be served (availability windows are in the
 * merchant's time zone). Items of other merchants are simply absent from the result.
 */
export async function loadOrderableItems(
  itemIds: string[],
  options: { client?: QueryClientContract; at?: Date } = {}
): Promise<Map<string, OrderableItem>> {
  const tenant = requireTenant()
  const ids = [...new Set(itemIds)]
  if (ids.length === 0) return new Map()
  const client = options.client ?? tenantDb()
  const result = await client.rawQuery(
    `SELECT it.id, it.name, it.price_minor, it.currency, it.sold_out,
        (it.is_active AND cat.is_active) AS active, cat.availability,
        coalesce((
          SELECT json_agg(json_build_object(
              'id', grp.id, 'name', grp.name, 'is_required', grp.is_required, 'min_select', grp.min_select,
              'max_select', grp.max_select, 'display_order', grp.display_order,
              'options', coalesce((
                SELECT json_agg(json_build_object(
                    'id', o.id, 'name', o.name, 'price_delta_minor', o.price_delta_minor,
                    'allergens', o.allergens, 'in_stock', o.in_stock, 'display_order', o.display_order)
                  ORDER BY o.display_order, o.name, o.id)
                FROM menu_modifier_options o WHERE o.merchant_id = it.merchant_id AND o.group_id = grp.id
              ), '[]'::json))
            ORDER BY grp.display_order, grp.name, grp.id)
          FROM menu_modifier_groups grp WHERE grp.merchant_id = it.merchant_id AND grp.item_id = it.id
        ), '[]'::json) AS modifier_groups
     FROM menu_items it
     JOIN menu_categories cat ON cat.merchant_id = it.merchant_id AND cat.id = it.category_id
     WHERE it.merchant_id = ? AND it.id = ANY(?::uuid[])`,
    [tenant.merchantId, ids]
  )
  const served = localTime(tenant.timezone, (options.at ?? new Date()).getTime())
  const items = new Map<string, OrderableItem>()
  for (const row of result.rows) {
    let unorderable: Unorderable = null
    if (!row.active) unorderable = 'inactive'
    else if (row.sold_out) unorderable = 'sold_out'
    else if (!isAvailable(row.availability as AvailabilityWindow[], served))
      unorderable = 'outside_hours'
    items.set(row.id, {
      id: row.id,
      name: row.name,
      price_minor: row.price_minor,
      currency: row.currency,
      unorderable,
      modifier_groups: row.modifier_groups,
    })
  }
  return items
}
