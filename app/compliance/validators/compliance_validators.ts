import vine from '@vinejs/vine'

/** Query strings and bodies are snake_case like the rest of the API; controllers map them to the services' names. */

export const auditListValidator = vine.compile(
  vine.object({
    per_page: vine.number().withoutDecimals().min(1).max(200).optional(),
    cursor: vine.string().maxLength(500).optional(),
    action: vine
      .enum(['INSERT', 'UPDATE', 'DELETE', 'gdpr.export', 'gdpr.erase'] as const)
      .optional(),
    resource_type: vine
      .string()
      .trim()
      .regex(/^[a-z_.]{1,64}$/)
      .optional(),
    actor_id: vine.string().uuid().optional(),
    from: vine.date({ formats: { utc: true } }).optional(),
    to: vine.date({ formats: { utc: true } }).optional(),
  })
)

/** A data subject and why support touches their data (required: it goes into the audit log). */
export const subjectRequestValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().maxLength(254).optional().requiredIfMissing('phone'),
    phone: vine
      .string()
      .trim()
      .regex(/^\+?[0-9 ().-]{6,32}$/)
      .optional(),
    reason: vine.string().trim().minLength(3).maxLength(500),
  })
)

export const requestListValidator = vine.compile(
  vine.object({
    open: vine.boolean().optional(),
    page: vine.number().withoutDecimals().min(1).optional(),
    per_page: vine.number().withoutDecimals().min(1).max(200).optional(),
  })
)
