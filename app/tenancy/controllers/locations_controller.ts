import type { HttpContext } from '@adonisjs/core/http'
import Location from '#tenancy/models/location'
import { createLocationValidator } from '#tenancy/validators/location_validators'
import { NotFoundException } from '#core/exceptions/http_errors'
import { pathId } from '#core/http/path_id'
import { requireTenant } from '#tenancy/context/tenant_context'
import { readRows } from '#tenancy/services/shards'

type LocationRow = {
  id: string
  merchant_id: string
  name: string
  address: string | null
  timezone: string
  created_at: Date
  updated_at: Date
}

/** Reads are plain rows (readRows): the staff read path benchmarks/kernel.ts measures. */
const SELECT_LOCATIONS = `SELECT id, merchant_id, name, address, timezone, created_at, updated_at
                            FROM locations WHERE merchant_id = $1`

async function findLocation(id: string): Promise<LocationRow | undefined> {
  const [row] = await readRows<LocationRow>(`${SELECT_LOCATIONS} AND id = $2`, [
    requireTenant().merchantId,
    id,
  ])
  return row
}

/** A merchant's locations: staff read them, owners and managers add them. */
export default class LocationsController {
  async index({ response }: HttpContext) {
    const locations = await readRows<LocationRow>(
      `${SELECT_LOCATIONS} ORDER BY created_at, id LIMIT 200`,
      [requireTenant().merchantId]
    )
    response.header('Cache-Control', 'private, no-store')
    return { data: locations }
  }

  async show({ params, response }: HttpContext) {
    const id = await pathId(params, 'Location')
    const location = await findLocation(id)
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
    response.header('Cache-Control', 'private, no-store')
    // Read back like every read (the primary: this request wrote), so all three answer alike.
    return response.created({ data: await findLocation(location.id) })
  }
}
