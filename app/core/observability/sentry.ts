import * as Sentry from '@sentry/node'
import type { HttpContext } from '@adonisjs/core/http'

let enabled = false

const SCRUBBED_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key']

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
    beforeSend(event) {
      const headers = event.request?.headers
      if (headers) {
        for (const name of Object.keys(headers)) {
          if (SCRUBBED_HEADERS.includes(name.toLowerCase())) delete headers[name]
        }
      }
      if (event.request) delete event.request.cookies
      return event
    },
  })
  enabled = true
}

export function sentryEnabled() {
  return enabled
}

/** Tags: merchant and module, so an error can be traced to a tenant and a plugin. */
export function captureError(error: unknown, tags: { merchant?: string; module?: string }, ctx?: HttpContext) {
  if (!enabled) return
  Sentry.withScope((scope) => {
    if (tags.merchant) scope.setTag('merchant', tags.merchant)
    if (tags.module) scope.setTag('module', tags.module)
    if (ctx) {
      scope.setTag('route', ctx.route?.pattern ?? 'unknown')
      scope.setContext('request', {
        method: ctx.request.method(),
        url: ctx.request.url(),
        headers: Object.fromEntries(
          Object.entries(ctx.request.headers()).filter(([name]) => !SCRUBBED_HEADERS.includes(name))
        ),
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
