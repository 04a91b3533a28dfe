import * as Sentry from '@sentry/node'
import type { HttpContext } from '@adonisjs/core/http'

let enabled = false

/**
 * What leaves for Sentry is scrubbed by allow-list: only these request headers are kept (tokens travel
 * in many headers: authorization, cookies, X-Tracking-Token, X-Conversation-Token, Idempotency-Key...).
 */
const SAFE_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'content-length',
  'content-type',
  'host',
  'user-agent',
  'x-merchant',
  'x-request-id',
])

/** Query parameters whose values are kept; every other value becomes FILTERED (tokens ride in links). */
const SAFE_QUERY_PARAMS = new Set([
  'page',
  'per_page',
  'status',
  'from',
  'to',
  'days',
  'limit',
  'format',
  'ms',
])

const FILTERED = '[Filtered]'

function safeHeaders(headers: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => SAFE_HEADERS.has(name.toLowerCase()))
  )
}

function filterParams(params: URLSearchParams) {
  for (const name of new Set(params.keys())) {
    if (!SAFE_QUERY_PARAMS.has(name)) params.set(name, FILTERED)
  }
  return params.toString().replaceAll(encodeURIComponent(FILTERED), FILTERED)
}

/** A URL or path with its query values filtered (and any user:password@ and fragment dropped). */
export function scrubUrl(url: string) {
  const queryAt = url.indexOf('?')
  const base = queryAt === -1 ? url : url.slice(0, queryAt)
  const withoutCredentials = base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1')
  if (queryAt === -1) return withoutCredentials
  // A fragment is dropped with the rest (it can hold a token too).
  const query = url.slice(queryAt + 1).split('#')[0]
  return `${withoutCredentials}?${filterParams(new URLSearchParams(query))}`
}

/** Keys holding a bare query string: the event's request.query_string, span attributes url.query, http.query. */
const QUERY_KEYS = /^(query_string|url\.query|http\.query)$/

function scrubQuery(value: unknown): unknown {
  if (typeof value === 'string') return filterParams(new URLSearchParams(value.replace(/^\?/, '')))
  if (Array.isArray(value))
    return filterParams(new URLSearchParams(value as Array<[string, string]>))
  if (!value || typeof value !== 'object') return value
  // A span attribute: { value, type }.
  const record = value as Record<string, unknown>
  if ('value' in record) return { ...record, value: scrubQuery(record.value) }
  return filterParams(
    new URLSearchParams(Object.entries(record).map(([k, v]): [string, string] => [k, String(v)]))
  )
}

const URL_WITH_QUERY = /^(?:[a-z][a-z0-9+.-]*:\/\/|\/)[^\s]*\?/i

/**
 * Walks an event, breadcrumb or span tree: headers objects keep the safe headers only, request cookies
 * and bodies are dropped, query strings and URL-looking strings lose their query values.
 */
function scrub(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return URL_WITH_QUERY.test(value) ? scrubUrl(value) : value
  if (Array.isArray(value)) return value.map((entry) => scrub(entry))
  if (!value || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  if (key === 'headers') return safeHeaders(record)
  const out: Record<string, unknown> = {}
  for (const [name, entry] of Object.entries(record)) {
    if (name === 'cookies' || (name === 'data' && key === 'request')) continue
    // Span attributes name headers one by one (http.request.header.<name>).
    const header = /^http\.(request|response)\.header\.(.+)$/.exec(name)
    if (header && !SAFE_HEADERS.has(header[2].toLowerCase())) continue
    out[name] = QUERY_KEYS.test(name) ? scrubQuery(entry) : scrub(entry, name)
  }
  return out
}

function scrubEvent<T>(event: T): T {
  return scrub(event) as T
}

/**
 * Sentry is on only when SENTRY_DSN is set (no DSN: no client, no network).
 */
export function initSentry(options: { dsn?: string; environment: string; release?: string }) {
  if (!options.dsn || enabled) return
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    tracesSampleRate: 0.1,
    beforeSend: (event) => scrubEvent(event),
    beforeSendSpan: (span) => scrubEvent(span),
    beforeBreadcrumb: (breadcrumb) => scrubEvent(breadcrumb),
  })
  enabled = true
}

export function sentryEnabled() {
  return enabled
}

/** Tags: merchant and module, so an error can be traced to a tenant and a plugin. */
export function captureError(
  error: unknown,
  tags: { merchant?: string; module?: string },
  ctx?: HttpContext
) {
  if (!enabled) return
  Sentry.withScope((scope) => {
    if (tags.merchant) scope.setTag('merchant', tags.merchant)
    if (tags.module) scope.setTag('module', tags.module)
    if (ctx) {
      scope.setTag('route', ctx.route?.pattern ?? 'unknown')
      scope.setContext('request', {
        method: ctx.request.method(),
        url: scrubUrl(ctx.request.url(true)),
        headers: safeHeaders(ctx.request.headers()),
      })
    }
    Sentry.captureException(error)
  })
}

export async function flushSentry(timeoutMs = 2000) {
  if (enabled) await Sentry.flush(timeoutMs)
}

export async function closeSentry(timeoutMs = 2000) {
  if (!enabled) return
  await Sentry.close(timeoutMs)
  enabled = false
}
