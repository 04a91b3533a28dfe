import vine from '@vinejs/vine'
import { PENDING_TIMEOUT_MINUTES } from '#orders/services/order_settings'

export const updateOrderSettingsValidator = vine.compile(
  vine.object({
    pending_timeout_minutes: vine
      .number()
      .withoutDecimals()
      .range([PENDING_TIMEOUT_MINUTES.min, PENDING_TIMEOUT_MINUTES.max]),
  })
)
