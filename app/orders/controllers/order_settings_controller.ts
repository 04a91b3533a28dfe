import type { HttpContext } from '@adonisjs/core/http'
import { orderSettings } from '#orders/services/order_settings'
import { updateOrderSettingsValidator } from '#orders/validators/order_settings_validator'

/** Owners and managers: how ordering works for their shop (for now, how long an order may wait for them). */
export default class OrderSettingsController {
  async show() {
    return { data: await orderSettings.get() }
  }

  async update({ request }: HttpContext) {
    const input = await request.validateUsing(updateOrderSettingsValidator)
    return {
      data: await orderSettings.update({ pendingTimeoutMinutes: input.pending_timeout_minutes }),
    }
  }
}
