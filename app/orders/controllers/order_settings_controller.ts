import type { HttpContext } from '@adonisjs/core/http'
import { orderSettings, type OrderSettings } from '#orders/services/order_settings'
import { updateOrderSettingsValidator } from '#orders/validators/order_settings_validator'

function present(settings: OrderSettings) {
  return { pending_timeout_minutes: settings.pendingTimeoutMinutes, updated_at: settings.updatedAt?.toISOString() ?? null }
}

/** Owners and managers: how ordering works for their shop (for now, how long an order may wait for them). */
export default class OrderSettingsController {
  async show() {
    return { data: present(await orderSettings.get()) }
  }

  async update({ request }: HttpContext) {
    const input = await request.validateUsing(updateOrderSettingsValidator)
    return { data: present(await orderSettings.update({ pendingTimeoutMinutes: input.pending_timeout_minutes })) }
  }
}
