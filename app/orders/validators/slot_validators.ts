import vine from '@vinejs/vine'

/** Pickup slots set by the merchant: a window and how many orders it takes. */
export const createSlotValidator = vine.compile(
  vine.object({
    starts_at: vine.date({ formats: ['iso8601'] }),
    ends_at: vine.date({ formats: ['iso8601'] }),
    capacity: vine.number().withoutDecimals().range([0, 10_000]),
  })
)

export const updateSlotValidator = vine.compile(
  vine.object({
    capacity: vine.number().withoutDecimals().range([0, 10_000]).optional(),
    is_active: vine.boolean().optional(),
  })
)

export const listSlotsValidator = vine.compile(
  vine.object({
    from: vine.date({ formats: ['iso8601'] }).optional(),
    to: vine.date({ formats: ['iso8601'] }).optional(),
  })
)
