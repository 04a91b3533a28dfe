import type { HttpContext } from '@adonisjs/core/http'
import { dashboardQuery } from '#analytics/services/dashboard_query'
import { dashboardValidator } from '#analytics/validators/dashboard_validator'

/** The merchant's analytics dashboard (staff only). */
export default class DashboardController {
  async show({ request, response }: HttpContext) {
    const { days } = await dashboardValidator.validate(request.qs())
    response.header('Cache-Control', 'private, no-store')
    return { data: await dashboardQuery.get(days ?? 30) }
  }
}
