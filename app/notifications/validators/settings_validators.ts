import vine from '@vinejs/vine'
import { CHANNELS } from '#notifications/types'

const EVENT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/
const PHONE = /^\+[1-9][0-9]{6,14}$/

export const updateSettingsValidator = vine.compile(
  vine
    .object({
      /** Event name -> channels, e.g. {"order.created": ["email", "webhook"]}. */
      routes: vine
        .record(vine.array(vine.enum(CHANNELS)).maxLength(CHANNELS.length).distinct())
        .maxLength(50)
        .optional(),
      email_recipients: vine
        .array(vine.string().trim().email().maxLength(254))
        .maxLength(20)
        .optional(),
      sms_recipients: vine.array(vine.string().trim().regex(PHONE)).maxLength(10).optional(),
      webhook_url: vine
        .string()
        .trim()
        .maxLength(2000)
        .url({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
        .nullable()
        .optional(),
    })
    .toCamelCase()
)

export function badEventNames(routes: Record<string, unknown>): string[] {
  return Object.keys(routes).filter((event) => !EVENT.test(event) || event.length > 100)
}

export const pushSubscriptionValidator = vine.compile(
  vine.object({
    endpoint: vine
      .string()
      .trim()
      .maxLength(2000)
      .url({ require_protocol: true, protocols: ['https', 'http'], require_tld: false }),
    keys: vine.object({
      p256dh: vine
        .string()
        .trim()
        .maxLength(200)
        .regex(/^[A-Za-z0-9_-]+={0,2}$/),
      auth: vine
        .string()
        .trim()
        .maxLength(100)
        .regex(/^[A-Za-z0-9_-]+={0,2}$/),
    }),
  })
)

export const outboxQueryValidator = vine.compile(
  vine.object({
    status: vine.enum(['pending', 'processing', 'completed', 'failed'] as const).optional(),
    limit: vine.number().withoutDecimals().range([1, 100]).optional(),
  })
)
