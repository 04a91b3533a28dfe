import type { HttpContext } from '@adonisjs/core/http'
import { MerchantRequiredException } from '#tenancy/exceptions'

/** The public face of the current merchant: what a digital menu needs to render its header. */
export default class MerchantProfileController {
  async show({ merchant, response }: HttpContext) {
    if (!merchant) throw new MerchantRequiredException()
    response.header('Cache-Control', 'public, max-age=60')
    return {
      data: {
        id: merchant.id,
        slug: merchant.slug,
        name: merchant.name,
        vertical: merchant.vertical,
        timezone: merchant.timezone,
        modules: merchant.modules,
      },
    }
  }
}
