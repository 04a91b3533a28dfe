import type { HttpContext } from '@adonisjs/core/http'
import Location from '#tenancy/models/location'
import { createLocationValidator } from '#tenancy/validators/location_validators'
import { NotFoundException } from '#core/exceptions/http_errors'
import { pathId } from '#core/http/path_id'
import { requireTenant } from '#tenancy/context/tenant_context'

/** A merchant's locations: staff read them, owners and managers add them. */
export default class LocationsController {
  async index({ response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    const locations = await Location.forTenant().orderBy('created_at', 'asc').limit(200)
    return { data: locations }
  }

  async show({ params, response }: HttpContext) {
    const id = await pathId(params, 'Location')
    const location = await Location.forTenant().where('id', id).first()
    if (!location) throw new NotFoundException('Location not found')
    response.header('Cache-Control', 'private, no-store')
    return { data: location }
  }

  async store({ request, response }: HttpContext) {
    const input = await request.validateUsing(createLocationValidator)
    const tenant = requireTenant()
    const location = await Location.create({
      merchantId: tenant.merchantId,
      name: input.name,
      address: input.address ?? null,
      timezone: input.timezone ?? tenant.timezone,
    })
    await location.refresh()
    response.header('Cache-Control', 'private, no-store')
    return response.created({ data: location })
  }
}
