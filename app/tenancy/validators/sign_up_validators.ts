import vine from '@vinejs/vine'
import { VERTICALS } from '#tenancy/types'

/** Slugs that name the platform's own paths or hosts, not a merchant's. */
export const RESERVED_SLUGS = new Set([
  'admin',
  'api',
  'app',
  'assets',
  'help',
  'm',
  'mail',
  'status',
  'support',
  'www',
])

/** Password strength is judged by assertAcceptablePassword (services/password_policy.ts), not here. */
export const signUpValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().maxLength(254),
    password: vine.string().maxLength(200),
    full_name: vine.string().trim().minLength(1).maxLength(200),
    merchant: vine.object({
      name: vine.string().trim().minLength(1).maxLength(200),
      slug: vine
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
        .notIn([...RESERVED_SLUGS]),
      vertical: vine.enum(VERTICALS),
      timezone: vine.string().trim().maxLength(64),
    }),
  })
)

export const verifyEmailValidator = vine.compile(
  vine.object({ token: vine.string().trim().minLength(1).maxLength(200) })
)
