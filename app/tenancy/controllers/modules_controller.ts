import type { HttpContext } from '@adonisjs/core/http'
import { moduleAccess } from '#tenancy/services/module_access_service'
import { moduleChangeValidator } from '#tenancy/validators/merchant_validators'

/**
 * Module switches. Staff see their own merchant's modules (and why one is locked);
 * platform support lists and changes any merchant's.
 */
export default class ModulesController {
  async mine({ tenant, response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    const { modules } = await moduleAccess.list(tenant!.merchantId)
    return { data: modules }
  }

  async index({ params, response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    const { merchant, modules } = await moduleAccess.list(params.merchant)
    return {
      merchant: { id: merchant.id, slug: merchant.slug, tier: merchant.tier },
      data: modules,
    }
  }

  async enable({ params, request, actor }: HttpContext) {
    const { reason } = await request.validateUsing(moduleChangeValidator)
    const merchant = await moduleAccess.enable(params.merchant, params.module, {
      userId: actor!.userId,
      reason,
    })
    return { data: { merchantId: merchant!.id, modules: merchant!.modules } }
  }

  async disable({ params, request, actor }: HttpContext) {
    const { reason } = await request.validateUsing(moduleChangeValidator)
    const merchant = await moduleAccess.disable(params.merchant, params.module, {
      userId: actor!.userId,
      reason,
    })
    return { data: { merchantId: merchant!.id, modules: merchant!.modules } }
  }
}
