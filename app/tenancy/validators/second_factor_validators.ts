import vine from '@vinejs/vine'

/** A 6-digit TOTP code (spaces allowed, as apps show them in two groups). */
const code = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{3} ?\d{3}$/)
    .transform((value) => value.replace(' ', ''))

const recoveryCode = () =>
  vine
    .string()
    .trim()
    .maxLength(40)
    .regex(/^[a-zA-Z0-9\s-]+$/)

export const secondFactorCodeValidator = vine.compile(vine.object({ code: code() }))

/** Setting up a factor asks for the account's password: a stolen session alone cannot bind one. */
export const secondFactorStartValidator = vine.compile(
  vine.object({ password: vine.string().minLength(1).maxLength(1024) })
)

/** A code or a recovery code: exactly one of them. */
export const secondFactorProofValidator = vine.compile(
  vine.object({
    code: code().optional().requiredIfMissing('recovery_code'),
    recovery_code: recoveryCode().optional(),
  })
)

export const secondFactorLoginValidator = vine.compile(
  vine.object({
    challenge: vine.string().trim().minLength(10).maxLength(100),
    code: code().optional().requiredIfMissing('recovery_code'),
    recovery_code: recoveryCode().optional(),
  })
)
