import vine from '@vinejs/vine'

export const loginValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().maxLength(254),
    password: vine.string().minLength(1).maxLength(200),
    merchant: vine.string().trim().maxLength(63).optional(),
  })
)
