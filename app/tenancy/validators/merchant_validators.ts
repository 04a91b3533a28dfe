import vine from '@vinejs/vine'
import { TIERS, VERTICALS } from '#tenancy/types'

export const onboardMerchantValidator = vine.compile(
  vine.object({
    slug: vine
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/),
    name: vine.string().trim().minLength(1).maxLength(200),
    vertical: vine.enum(VERTICALS),
    tier: vine.enum(TIERS),
    timezone: vine.string().trim().maxLength(64).optional(),
    owner: vine
      .object({
        email: vine.string().trim().email().maxLength(254),
        password: vine.string().minLength(10).maxLength(200),
        full_name: vine.string().trim().maxLength(200).optional(),
      })
      .toCamelCase()
      .optional(),
  })
)

export const moduleChangeValidator = vine.compile(
  vine.object({ reason: vine.string().trim().minLength(3).maxLength(500).optional() })
)

/** Support actions on who may act for a merchant (suspension, member removal) say why: it goes to the audit log. */
export const accessChangeValidator = vine.compile(
  vine.object({ reason: vine.string().trim().minLength(3).maxLength(500) })
)
