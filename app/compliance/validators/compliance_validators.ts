import vine from '@vinejs/vine'

export const auditListValidator = vine.compile(
  vine.object({
    perPage: vine.number().withoutDecimals().min(1).max(200).optional(),
    cursor: vine.string().maxLength(500).optional(),
    action: vine.enum(['INSERT', 'UPDATE', 'DELETE', 'gdpr.export', 'gdpr.erase'] as const).optional(),
    resourceType: vine.string().trim().regex(/^[a-z_.]{1,64}$/).optional(),
    actorId: vine.string().uuid().optional(),
    from: vine.date({ formats: { utc: true } }).optional(),
    to: vine.date({ formats: { utc: true } }).optional(),
  })
)

/** A data subject and why support touches their data (required: it goes into the audit log). */
export const subjectRequestValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().maxLength(254).optional().requiredIfMissing('phone'),
    phone: vine.string().trim().regex(/^\+?[0-9 ().-]{6,32}$/).optional(),
    reason: vine.string().trim().minLength(3).maxLength(500),
  })
)

export const requestListValidator = vine.compile(
  vine.object({
    open: vine.boolean().optional(),
    page: vine.number().withoutDecimals().min(1).optional(),
    perPage: vine.number().withoutDecimals().min(1).max(200).optional(),
  })
)
