import type { HttpContext } from '@adonisjs/core/http'
import MenuCategory from '#menu/models/menu_category'
import { catalog } from '#menu/services/catalog_service'
import { loadMenu } from '#menu/services/menu_query'
import { pathId } from '#core/http/path_id'
import {
  createCategoryValidator,
  reorderValidator,
  updateCategoryValidator,
} from '#menu/validators/menu_validators'
import { requireTenant } from '#tenancy/index'

/** Staff: the whole catalog (hidden rows included) and category CRUD. */
export default class CategoriesController {
  async tree() {
    return { data: { categories: await loadMenu(requireTenant().merchantId, true) } }
  }

  async show({ params }: HttpContext) {
    return { data: await catalog.find(MenuCategory, await pathId(params, 'Category')) }
  }

  async store({ request, response }: HttpContext) {
    const input = await request.validateUsing(createCategoryValidator)
    return response.created({ data: await catalog.create(MenuCategory, input) })
  }

  async update({ params, request }: HttpContext) {
    const id = await pathId(params, 'Category')
    const input = await request.validateUsing(updateCategoryValidator)
    return { data: await catalog.update(MenuCategory, id, input) }
  }

  async destroy({ params, response }: HttpContext) {
    await catalog.delete(MenuCategory, await pathId(params, 'Category'))
    return response.noContent()
  }

  async reorder({ request, response }: HttpContext) {
    const { ids } = await request.validateUsing(reorderValidator)
    await catalog.reorder(MenuCategory, ids)
    return response.noContent()
  }
}
