import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import {
  APP_CATEGORIES,
  APP_SCOPES,
  APP_STATUSES,
  DEVELOPER_STATUSES,
  PRICING_MODELS,
  WEBHOOK_TOPICS,
  redirectUriProblem,
  webhookUrlProblem,
} from '#marketplace/catalog'

function urlRule(problem: (value: string) => string | null, rule: string) {
  return vine.createRule((value: unknown, _options: undefined, field: FieldContext) => {
    if (typeof value !== 'string') return
    const message = problem(value)
    if (message) field.report(message, rule, field)
  })
}

const redirectUri = urlRule(redirectUriProblem, 'redirect_uri')
const webhookUrl = urlRule(webhookUrlProblem, 'webhook_url')

const httpsUrl = () =>
  vine
    .string()
    .trim()
    .maxLength(2000)
    .url({ require_protocol: true, protocols: ['https'] })

export const developerAccountValidator = vine.compile(
  vine
    .object({
      display_name: vine.string().trim().minLength(1).maxLength(120),
      contact_email: vine.string().trim().maxLength(254).email(),
      website: httpsUrl().optional(),
    })
    .toCamelCase()
)

const price = () => vine.number().withoutDecimals().min(0).max(100_000_000)

/** Every field an app's developer sets; create requires name and category, an update none. */
function appFields() {
  return {
    slug: vine
      .string()
      .trim()
      .maxLength(60)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      .optional(),
    pricing_model: vine.enum(PRICING_MODELS).optional(),
    monthly_price_minor: price().optional(),
    usage_price_minor: price().optional(),
    usage_unit: vine.string().trim().minLength(1).maxLength(40).nullable().optional(),
    currency: vine
      .string()
      .trim()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    scopes: vine.array(vine.enum(APP_SCOPES)).maxLength(APP_SCOPES.length).distinct().optional(),
    redirect_uris: vine.array(vine.string().use(redirectUri())).maxLength(10).distinct().optional(),
    webhooks: vine
      .array(
        vine.object({
          topic: vine.enum(WEBHOOK_TOPICS),
          url: vine.string().trim().use(webhookUrl()),
        })
      )
      .maxLength(20)
      .optional(),
    tagline: vine.string().trim().maxLength(140).nullable().optional(),
    description: vine.string().trim().maxLength(5000).nullable().optional(),
    support_url: httpsUrl().nullable().optional(),
  }
}

export const createAppValidator = vine.compile(
  vine
    .object({
      name: vine.string().trim().minLength(1).maxLength(80),
      category: vine.enum(APP_CATEGORIES),
      ...appFields(),
    })
    .toCamelCase()
)

export const updateAppValidator = vine.compile(
  vine
    .object({
      name: vine.string().trim().minLength(1).maxLength(80).optional(),
      category: vine.enum(APP_CATEGORIES).optional(),
      ...appFields(),
    })
    .toCamelCase()
)

export type CreateAppInput = Awaited<ReturnType<typeof createAppValidator.validate>>
export type UpdateAppInput = Awaited<ReturnType<typeof updateAppValidator.validate>>

const reason = vine.string().trim().minLength(3).maxLength(500)

/** Support's changes say why (the audit log keeps it). */
export const supportReasonValidator = vine.compile(vine.object({ reason }))

/** A rejection tells the developer what to fix; the note is also the audited reason. */
export const rejectAppValidator = vine.compile(
  vine.object({ note: vine.string().trim().minLength(3).maxLength(2000) })
)

const page = {
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
  per_page: vine.number().withoutDecimals().min(1).max(100).optional(),
}

export const developerListValidator = vine.compile(
  vine.object({ ...page, status: vine.enum(DEVELOPER_STATUSES).optional() })
)

export const appListValidator = vine.compile(
  vine.object({ ...page, status: vine.enum(APP_STATUSES).optional() })
)
