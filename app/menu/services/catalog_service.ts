import emitter from '@adonisjs/core/services/emitter'
import { requireTenant, shardRouter } from '#tenancy/index'
import { NotFoundException } from '#core/exceptions/http_errors'
import { selectionRange } from '#menu/services/selection_range'
import MenuCategory from '#menu/models/menu_category'
import MenuItem from '#menu/models/menu_item'
import ModifierGroup from '#menu/models/modifier_group'
import ModifierOption from '#menu/models/modifier_option'
import '#menu/events'

/** Validated input: the validators' camelCase output, named like the models' attributes. */
type Attributes = Record<string, unknown>
type Owned = typeof MenuCategory | typeof MenuItem | typeof ModifierGroup | typeof ModifierOption
const LABELS = new Map<Owned, string>([
  [MenuCategory, 'Category'],
  [MenuItem, 'Item'],
  [ModifierGroup, 'Modifier group'],
  [ModifierOption, 'Modifier option'],
])

/**
 * Staff writes to the catalog. Every lookup is scoped to the current merchant, so another
 * merchant's id is simply not found (404, never data). Every change ends with `menu.updated`,
 * which bumps the merchant's cache version: the next public read shows the change.
 */
export class CatalogService {
  async find<M extends Owned>(model: M, id: string, field?: string): Promise<InstanceType<M>> {
    const row = await (model as typeof MenuCategory).forTenant().where('id', id).first()
    if (!row) throw new NotFoundException(`${LABELS.get(model)} not found`, { field })
    return row as InstanceType<M>
  }

  async create<M extends Owned>(
    model: M,
    input: Attributes,
    parent: Record<string, string> = {},
    reason = 'created'
  ) {
    const { merchantId } = requireTenant()
    const row = await (model as any).create({ ...input, ...parent, merchantId })
    await row.refresh()
    await this.changed(`${model.table}.${reason}`)
    return row as InstanceType<M>
  }

  async update<M extends Owned>(model: M, id: string, input: Attributes, reason = 'updated') {
    const row = await this.find(model, id)
    row.merge(input as any)
    await row.save()
    await this.changed(`${model.table}.${reason}`)
    return row
  }

  async delete(model: Owned, id: string) {
    const row = await this.find(model, id)
    await row.delete()
    await this.changed(`${model.table}.deleted`)
  }

  async createItem(input: Attributes & { categoryId: string }) {
    await this.find(MenuCategory, input.categoryId, 'category_id')
    return this.create(MenuItem, input)
  }

  async updateItem(id: string, input: Attributes & { categoryId?: string }) {
    if (input.categoryId) await this.find(MenuCategory, input.categoryId, 'category_id')
    return this.update(MenuItem, id, input)
  }

  async createGroup(itemId: string, input: Attributes) {
    await this.find(MenuItem, itemId)
    return this.create(ModifierGroup, selectionRange(input), { itemId })
  }

  async updateGroup(id: string, input: Attributes) {
    const group = await this.find(ModifierGroup, id)
    const merged = {
      isRequired: input.isRequired ?? group.isRequired,
      minSelect: input.minSelect ?? group.minSelect,
      maxSelect: input.maxSelect ?? group.maxSelect,
    }
    return this.update(ModifierGroup, id, {
      ...input,
      ...selectionRange(merged, input.minSelect !== undefined),
    })
  }

  async createOption(groupId: string, input: Attributes) {
    await this.find(ModifierGroup, groupId)
    return this.create(ModifierOption, input, { groupId })
  }

  /**
   * Sets display_order = position for the given ids in one statement. All ids must be the
   * merchant's (and, for items, the category's); otherwise nothing changes and it is a 404.
   */
  async reorder(model: typeof MenuCategory | typeof MenuItem, ids: string[], categoryId?: string) {
    const { merchantId } = requireTenant()
    if (categoryId) await this.find(MenuCategory, categoryId)
    await shardRouter.transaction(async (trx) => {
      const scope = categoryId ? 'AND t.category_id = ?' : ''
      const result = await trx.rawQuery(
        `UPDATE ${model.table} t SET display_order = o.position, updated_at = now()
         FROM unnest(?::uuid[]) WITH ORDINALITY AS o(id, position)
         WHERE t.id = o.id AND t.merchant_id = ? ${scope}`,
        categoryId ? [ids, merchantId, categoryId] : [ids, merchantId]
      )
      if (result.rowCount !== ids.length)
        throw new NotFoundException(`${LABELS.get(model)} not found`, { field: 'ids' })
    })
    await this.changed(`${model.table}.reordered`)
  }

  async setSoldOut(id: string, soldOut: boolean) {
    return this.update(MenuItem, id, { soldOut }, soldOut ? 'sold_out' : 'back_in_stock')
  }

  async changed(reason: string) {
    await emitter.emit('menu.updated', { merchantId: requireTenant().merchantId, reason })
  }
}

export const catalog = new CatalogService()
