import { tenantDb } from '#tenancy/index'
import type { AvailabilityWindow } from '#menu/catalog'

export type MenuOption = {
  id: string
  name: string
  price_delta_minor: number
  allergens: string[]
  in_stock: boolean
  display_order: number
}
export type MenuModifierGroup = {
  id: string
  name: string
  is_required: boolean
  min_select: number
  max_select: number
  display_order: number
  options: MenuOption[]
}
export type MenuItemView = {
  id: string
  name: string
  description: string | null
  price_minor: number
  currency: string
  image_url: string | null
  display_order: number
  is_active: boolean
  sold_out: boolean
  dietary_flags: string[]
  allergens: string[]
  duration_minutes: number | null
  rental_unit: string | null
  modifier_groups: MenuModifierGroup[]
}
export type MenuCategoryView = {
  id: string
  name: string
  description: string | null
  display_order: number
  is_active: boolean
  availability: AvailabilityWindow[]
  items: MenuItemView[]
}

/**
 * The whole menu of the current merchant in ONE query: PostgreSQL nests categories -> items ->
 * modifier groups -> options with json_agg, so there is no N+1 whatever the menu's size.
 * `includeInactive` is for staff (they edit hidden rows too); the public menu leaves them out.
 * Every level filters on merchant_id, which also lets the planner use the (merchant_id, ...) indexes.
 */
export async function loadMenu(
  merchantId: string,
  includeInactive = false
): Promise<MenuCategoryView[]> {
  const active = (alias: string) => (includeInactive ? 'true' : `${alias}.is_active`)
  const sql = `
SELECT coalesce(json_agg(c ORDER BY c.display_order, c.name, c.id), '[]'::json) AS categories
FROM (
  SELECT cat.id, cat.name, cat.description, cat.display_order, cat.is_active, cat.availability,
    coalesce((
      SELECT json_agg(i ORDER BY i.display_order, i.name, i.id)
      FROM (
        SELECT it.id, it.name, it.description, it.price_minor, it.currency, it.image_url,
          it.display_order, it.is_active, it.sold_out, it.dietary_flags, it.allergens, it.duration_minutes, it.rental_unit,
          coalesce((
            SELECT json_agg(g ORDER BY g.display_order, g.name, g.id)
            FROM (
              SELECT grp.id, grp.name, grp.is_required, grp.min_select, grp.max_select, grp.display_order,
                coalesce((
                  SELECT json_agg(json_build_object(
                      'id', o.id, 'name', o.name, 'price_delta_minor', o.price_delta_minor,
                      'allergens', o.allergens, 'in_stock', o.in_stock, 'display_order', o.display_order)
                    ORDER BY o.display_order, o.name, o.id)
                  FROM menu_modifier_options o
                  WHERE o.merchant_id = :merchant AND o.group_id = grp.id
                ), '[]'::json) AS options
              FROM menu_modifier_groups grp
              WHERE grp.merchant_id = :merchant AND grp.item_id = it.id
            ) g
          ), '[]'::json) AS modifier_groups
        FROM menu_items it
        WHERE it.merchant_id = :merchant AND it.category_id = cat.id AND ${active('it')}
      ) i
    ), '[]'::json) AS items
  FROM menu_categories cat
  WHERE cat.merchant_id = :merchant AND ${active('cat')}
) c`
  const text = sql.replaceAll(':merchant', '?')
  const bindings = Array.from({ length: text.split('?').length - 1 }, () => merchantId)
  const result = await tenantDb().rawQuery(text, bindings)
  return result.rows[0]?.categories ?? []
}
