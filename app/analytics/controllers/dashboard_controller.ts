import type { HttpContext } from '@adonisjs/core/http'
import { dashboardQuery } from '#analytics/services/dashboard_query'
import { snakeKeys } from '#core/http/json_keys'
import { dashboardValidator } from '#analytics/validators/dashboard_validator'

/** The merchant's analytics dashboard (staff only), in snake_case like the rest of the API. */
export default class DashboardController {
  async show({ request, response }: HttpContext) {
    const { days } = await dashboardValidator.validate(request.qs())
    response.header('Cache-Control', 'private, no-store')
    return { data: snakeKeys(await dashboardQuery.get(days ?? 30)) }
  }
}
