import type { HttpContext } from '@adonisjs/core/http'
import Merchant from '#tenancy/models/merchant'
import { onboarding } from '#tenancy/services/onboarding_service'
import { merchantAccess } from '#tenancy/services/merchant_access_service'
import { assertAcceptablePassword } from '#tenancy/services/password_policy'
import {
  accessChangeValidator,
  onboardMerchantValidator,
} from '#tenancy/validators/merchant_validators'
import vine from '@vinejs/vine'

const listValidator = vine.compile(
  vine.object({
    page: vine.number().withoutDecimals().min(1).optional(),
    per_page: vine.number().withoutDecimals().min(1).max(100).optional(),
    status: vine.enum(['active', 'suspended'] as const).optional(),
  })
)

/** Platform support: every merchant, onboarding new ones, suspending and reactivating them. */
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
    // The owner's password (set when the account is new) meets the policy like any other.
    if (input.owner)
      assertAcceptablePassword(input.owner.password, [
        input.owner.email,
        input.owner.fullName ?? '',
        input.name,
        input.slug,
      ])
    const merchant = await onboarding.onboard(input)
    const created = await Merchant.findOrFail(merchant.id)
    return response.created({ data: created.serialize() })
  }

  /** Every request and socket of the merchant is refused from now on; its open sockets are closed. */
  async suspend({ params, request }: HttpContext) {
    const { reason } = await request.validateUsing(accessChangeValidator)
    const merchant = await merchantAccess.suspend(params.merchant, reason)
    return { data: { merchantId: merchant.id, status: merchant.status } }
  }

  async reactivate({ params, request }: HttpContext) {
    const { reason } = await request.validateUsing(accessChangeValidator)
    const merchant = await merchantAccess.reactivate(params.merchant, reason)
    return { data: { merchantId: merchant.id, status: merchant.status } }
  }
}
