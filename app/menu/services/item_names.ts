import { requireTenant, tenantDb } from '#tenancy/index'
import { isUuid } from '#core/database/uuid'

/**
 * The catalog names of the current merchant's items, by id (inactive items included: figures of
 * past days still name them). Ids that are not items of this merchant are absent from the result,
 * so text a client made up never passes for an item.
 */
export async function loadItemNames(itemIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(itemIds.filter((id) => isUuid(id)))]
  if (ids.length === 0) return new Map()
  const rows = await tenantDb()
    .from('menu_items')
    .where('merchant_id', requireTenant().merchantId)
    .whereIn('id', ids)
    .select('id', 'name')
  return new Map(rows.map((row) => [row.id as string, row.name as string]))
}
