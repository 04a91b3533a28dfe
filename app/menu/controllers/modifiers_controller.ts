import type { HttpContext } from '@adonisjs/core/http'
import ModifierGroup from '#menu/models/modifier_group'
import ModifierOption from '#menu/models/modifier_option'
import { catalog } from '#menu/services/catalog_service'
import { pathId } from '#core/http/path_id'
import {
  createGroupValidator,
  createOptionValidator,
  updateGroupValidator,
  updateOptionValidator,
} from '#menu/validators/menu_validators'

/** Staff: modifier groups of an item (milk, size) and their options (oat milk +50). */
export default class ModifiersController {
  async showGroup({ params }: HttpContext) {
    return { data: await catalog.find(ModifierGroup, await pathId(params, 'Modifier group')) }
  }

  async storeGroup({ params, request, response }: HttpContext) {
    const itemId = await pathId(params, 'Item')
    const input = await request.validateUsing(createGroupValidator)
    return response.created({ data: await catalog.createGroup(itemId, input) })
  }

  async updateGroup({ params, request }: HttpContext) {
    const id = await pathId(params, 'Modifier group')
    const input = await request.validateUsing(updateGroupValidator)
    return { data: await catalog.updateGroup(id, input) }
  }

  async destroyGroup({ params, response }: HttpContext) {
    await catalog.delete(ModifierGroup, await pathId(params, 'Modifier group'))
    return response.noContent()
  }

  async showOption({ params }: HttpContext) {
    return { data: await catalog.find(ModifierOption, await pathId(params, 'Modifier option')) }
  }

  async storeOption({ params, request, response }: HttpContext) {
    const groupId = await pathId(params, 'Modifier group')
    const input = await request.validateUsing(createOptionValidator)
    return response.created({ data: await catalog.createOption(groupId, input) })
  }

  async updateOption({ params, request }: HttpContext) {
    const id = await pathId(params, 'Modifier option')
    const input = await request.validateUsing(updateOptionValidator)
    return { data: await catalog.update(ModifierOption, id, input) }
  }

  async destroyOption({ params, response }: HttpContext) {
    await catalog.delete(ModifierOption, await pathId(params, 'Modifier option'))
    return response.noContent()
  }
}
