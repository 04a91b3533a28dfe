import type { HttpContext } from '@adonisjs/core/http'
import Merchant from '#tenancy/models/merchant'
import { onboarding } from '#tenancy/services/onboarding_service'
import { onboardMerchantValidator } from '#tenancy/validators/merchant_validators'
import vine from '@vinejs/vine'

const listValidator = vine.compile(
  vine.object({
    page: vine.number().withoutDecimals().min(1).optional(),
    per_page: vine.number().withoutDecimals().min(1).max(100).optional(),
    status: vine.enum(['active', 'suspended'] as const).optional(),
  })
)

/** Platform support: every merchant, and onboarding new ones. */
export default class AdminMerchantsController {
  async index({ request, response }: HttpContext) {
    const { page = 1, per_page: perPage = 50, status } = await listValidator.validate(request.qs())
    const query = Merchant.query().orderBy('created_at', 'asc')
    if (status) query.where('status', status)
    const result = await query.paginate(page, perPage)
    response.header('Cache-Control', 'private, no-store')
    return {
      data: result.all().map((m) => m.serialize()),
      meta: { page, per_page: perPage, total: result.total },
    }
  }

  async store({ request, response }: HttpContext) {
    const input = await request.validateUsing(onboardMerchantValidator)
    const merchant = await onboarding.onboard(input)
    return response.created({ data: (await Merchant.findOrFail(merchant.id)).serialize() })
  }
}
