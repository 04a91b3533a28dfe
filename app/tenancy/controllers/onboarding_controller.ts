import type { HttpContext } from '@adonisjs/core/http'
import { onboardingChecklist } from '#tenancy/services/onboarding_checklist'

/** GET /api/v1/tenancy/onboarding: the signed-in staff member's own merchant's checklist. */
export default class OnboardingController {
  async show({ merchant, actor, response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return onboardingChecklist(merchant!, actor!.userId)
  }
}
