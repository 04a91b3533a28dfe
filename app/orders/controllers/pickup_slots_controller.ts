import type { HttpContext } from '@adonisjs/core/http'
import {
  createSlotValidator,
  listSlotsValidator,
  updateSlotValidator,
} from '#orders/validators/slot_validators'
import { pickupSlots } from '#orders/services/pickup_slots'
import { pathId } from '#core/http/path_id'

/** Owners and managers: pickup slots and their capacities. */
export default class PickupSlotsController {
  async index({ request }: HttpContext) {
    const { from, to } = await listSlotsValidator.validate(request.qs())
    return { data: await pickupSlots.list({ from, to, staff: true }) }
  }

  async store({ request, response }: HttpContext) {
    const input = await request.validateUsing(createSlotValidator)
    return response.created({ data: await pickupSlots.create(input) })
  }

  async update({ params, request }: HttpContext) {
    const id = await pathId(params, 'Pickup slot')
    const input = await request.validateUsing(updateSlotValidator)
    return { data: await pickupSlots.update(id, input) }
  }
}
