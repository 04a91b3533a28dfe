import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import { settingsService } from '#notifications/services/settings_service'
import {
  badEventNames,
  updateSettingsValidator,
} from '#notifications/validators/settings_validators'

/**
 * The merchant's channel preferences: which events go to which channels, and where. The webhook
 * secret is shown to owners and managers only (route guard): they need it to verify our signatures.
 */
export default class NotificationSettingsController {
  async show({ response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return { data: await settingsService.findOrCreate() }
  }

  async update({ request, response }: HttpContext) {
    const input = await request.validateUsing(updateSettingsValidator)
    const bad = input.routes ? badEventNames(input.routes) : []
    if (bad.length) {
      throw new vineErrors.E_VALIDATION_ERROR([
        {
          field: 'routes',
          rule: 'event',
          message: `Not an event name: ${bad.slice(0, 3).join(', ')}`,
        },
      ])
    }
    response.header('Cache-Control', 'private, no-store')
    return { data: await settingsService.update(input) }
  }

  async rotateSecret({ response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return { data: await settingsService.rotateSecret() }
  }
}
