import vine from '@vinejs/vine'

/** The policy (services/password_policy.ts) says why a password is refused; this only bounds input. */
const newPassword = () => vine.string().minLength(1).maxLength(1024)

export const forgotPasswordValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().maxLength(254),
  })
)

export const resetPasswordValidator = vine.compile(
  vine.object({
    token: vine.string().trim().minLength(1).maxLength(200),
    password: newPassword(),
  })
)

export const changePasswordValidator = vine.compile(
  vine.object({
    current_password: vine.string().minLength(1).maxLength(200),
    password: newPassword(),
  })
)
