/**
 * The marketplace's bounded sets, mirrored by CHECK constraints in
 * database/migrations/marketplace/control/0001_developers_and_apps.ts.
 */
export const APP_CATEGORIES = ['integration', 'analytics', 'marketing', 'operations'] as const
export type AppCategory = (typeof APP_CATEGORIES)[number]

export const PRICING_MODELS = ['free', 'paid', 'freemium'] as const
export type PricingModel = (typeof PRICING_MODELS)[number]

export const APP_SCOPES = [
  'read_menu',
  'write_menu',
  'read_orders',
  'write_orders',
  'read_analytics',
  'read_customers',
] as const
export type AppScope = (typeof APP_SCOPES)[number]

/** What the consent screen tells the owner each scope lets the app do. */
export const SCOPE_DESCRIPTIONS: Record<AppScope, string> = {
  read_menu: 'Read your menu: categories, items, modifiers and prices',
  write_menu: 'Change your menu: create, edit and remove categories, items and modifiers',
  read_orders: 'Read your orders, with the guest name and contact given at checkout',
  write_orders: "Change your orders' status",
  read_analytics: 'Read your daily sales and traffic figures',
  read_customers: "Read your customers' names and contact details",
}

export const WEBHOOK_TOPICS = [
  'order.created',
  'order.status_changed',
  'menu.updated',
  'app/uninstalled',
  'customers/data_request',
  'customers/redact',
  'shop/redact',
] as const
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number]

export const DEVELOPER_STATUSES = ['pending', 'verified', 'suspended'] as const
export type DeveloperStatus = (typeof DEVELOPER_STATUSES)[number]

/** draft → submitted → approved → listed; submitted → rejected → (edited) → submitted. */
export const APP_STATUSES = ['draft', 'submitted', 'approved', 'listed', 'rejected'] as const
export type AppStatus = (typeof APP_STATUSES)[number]

/** States in which the developer may still edit an app. */
export const EDITABLE_STATUSES: readonly AppStatus[] = ['draft', 'rejected']

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Why a redirect URI is refused, or null when it is acceptable: an absolute https URL (http only on a
 * loopback host, for native apps and development), no fragment (RFC 6749 3.1.2), no credentials.
 * Matched exactly at authorization time, so it is stored as given.
 */
export function redirectUriProblem(value: string): string | null {
  if (value.length > 2000) return 'The redirect URI is too long'
  if (value.includes('#')) return 'A redirect URI must not contain a fragment'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'The redirect URI must be an absolute URL'
  }
  if (url.username || url.password) return 'A redirect URI must not carry credentials'
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null
  return 'The redirect URI must use https (http only on localhost, 127.0.0.1 or [::1])'
}

/** Why a webhook URL is refused, or null: an absolute https URL without fragment or credentials. */
export function webhookUrlProblem(value: string): string | null {
  if (value.length > 2000) return 'The webhook URL is too long'
  if (value.includes('#')) return 'A webhook URL must not contain a fragment'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'The webhook URL must be an absolute URL'
  }
  if (url.username || url.password) return 'A webhook URL must not carry credentials'
  if (url.protocol !== 'https:') return 'The webhook URL must use https'
  return null
}
