import vine from '@vinejs/vine'

const timezone = vine
  .string()
  .trim()
  .maxLength(64)
  .regex(/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/)

export const createLocationValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(200),
    address: vine.string().trim().maxLength(500).optional(),
    timezone: timezone.optional(),
  })
)
