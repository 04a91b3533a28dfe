import type { HttpContext } from '@adonisjs/core/http'
import { merchantAccess } from '#tenancy/services/merchant_access_service'
import { accessChangeValidator } from '#tenancy/validators/merchant_validators'

/** Platform support: removing a member from a merchant (team management by owners comes later). */
export default class AdminMembershipsController {
  async destroy({ params, request, response }: HttpContext) {
    const { reason } = await request.validateUsing(accessChangeValidator)
    await merchantAccess.removeMember(params.merchant, params.user, reason)
    return response.noContent()
  }
}
