import type { HttpContext } from '@adonisjs/core/http'
import MenuItem from '#menu/models/menu_item'
import { catalog } from '#menu/services/catalog_service'
import { pathId } from '#core/http/path_id'
import {
  createItemValidator,
  reorderValidator,
  soldOutValidator,
  updateItemValidator,
} from '#menu/validators/menu_validators'

/** Staff: items (a drink, a treatment, a rental), their order within a category, sold-out toggles. */
export default class ItemsController {
  async show({ params }: HttpContext) {
    return { data: await catalog.find(MenuItem, await pathId(params, 'Item')) }
  }

  async store({ request, response }: HttpContext) {
    const input = await request.validateUsing(createItemValidator)
    return response.created({ data: await catalog.createItem(input) })
  }

  async update({ params, request }: HttpContext) {
    const id = await pathId(params, 'Item')
    const input = await request.validateUsing(updateItemValidator)
    return { data: await catalog.updateItem(id, input) }
  }

  async destroy({ params, response }: HttpContext) {
    await catalog.delete(MenuItem, await pathId(params, 'Item'))
    return response.noContent()
  }

  async soldOut({ params, request }: HttpContext) {
    const id = await pathId(params, 'Item')
    const { soldOut } = await request.validateUsing(soldOutValidator)
    return { data: await catalog.setSoldOut(id, soldOut) }
  }

  /** Orders the items of one category. */
  async reorder({ params, request, response }: HttpContext) {
    const categoryId = await pathId(params, 'Category')
    const { ids } = await request.validateUsing(reorderValidator)
    await catalog.reorder(MenuItem, ids, categoryId)
    return response.noContent()
  }
}
