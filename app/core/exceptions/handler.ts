import app from '@adonisjs/core/services/app'
import { ExceptionHandler, type HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import { errors as limiterErrors } from '@adonisjs/limiter'
import { AppException } from '#core/exceptions/app_exception'
import { captureError } from '#core/observability/sentry'
import { isDependencyUnavailable } from '#core/exceptions/dependency_unavailable'

/** A PostgreSQL restart took 2.4 s under load; a client waiting this long usually finds it back. */
const RETRY_AFTER_SECONDS = 2

type ErrorBody = { code: string; message: string; field?: string }

/**
 * Every error leaves as { errors: [{ code, message, field? }] } with a stable code.
 * Anything we did not anticipate is a 500 with a generic message (details go to logs and Sentry).
 */
export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction

  async handle(error: unknown, ctx: HttpContext) {
    const { status, errors, headers } = this.#describe(error)
    for (const [name, value] of Object.entries(headers)) ctx.response.header(name, value)
    return ctx.response.status(status).send({ errors })
  }

  async report(error: unknown, ctx: HttpContext) {
    // An outage is not a bug: one warning line per request, nothing to Sentry (metrics show the 503s).
    if (isDependencyUnavailable(error)) {
      ctx.logger.warn({ err: error }, 'database or Redis unavailable: answered 503')
      return
    }
    if (this.#describe(error).status >= 500) {
      ctx.logger.error({ err: error }, 'request failed')
      captureError(
        error,
        { merchant: ctx.tenant?.merchantId, module: ctx.route?.meta?.module },
        ctx
      )
    }
  }

  #describe(error: unknown): {
    status: number
    errors: ErrorBody[]
    headers: Record<string, string | number>
  } {
    if (error instanceof AppException) {
      return { status: error.status, errors: [error.toErrorBody()], headers: {} }
    }
    if (error instanceof vineErrors.E_VALIDATION_ERROR) {
      const messages = error.messages as Array<{ message: string; field: string; rule: string }>
      return {
        status: 422,
        errors: messages.map((m) => ({ code: 'E_VALIDATION', message: m.message, field: m.field })),
        headers: {},
      }
    }
    if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
      // The limiter's own headers: Retry-After in seconds, X-RateLimit-Reset as an ISO date.
      const headers = error.headers ?? error.getDefaultHeaders()
      return {
        status: 429,
        errors: [{ code: 'E_TOO_MANY_REQUESTS', message: 'Too many requests, slow down' }],
        headers,
      }
    }
    const err = error as { code?: string; status?: number; message?: string; response?: any }
    switch (err?.code) {
      case 'E_ROUTE_NOT_FOUND':
        return simple(404, 'E_ROUTE_NOT_FOUND', 'No such route')
      case 'E_ROW_NOT_FOUND':
        return simple(404, 'E_NOT_FOUND', 'Resource not found')
      case 'E_UNAUTHORIZED_ACCESS':
        return simple(401, 'E_UNAUTHORIZED', 'Invalid or missing token')
      // PostgreSQL cannot store U+0000 in text: valid JSON, query or path input, refused by the database.
      case '22021':
        return simple(400, 'E_INVALID_TEXT', 'Text cannot contain NUL (U+0000) characters')
    }
    if (isDependencyUnavailable(error)) {
      return {
        status: 503,
        errors: [
          {
            code: 'E_SERVICE_UNAVAILABLE',
            message:
              'The service is briefly unavailable: retry shortly, with the same Idempotency-Key if you sent one',
          },
        ],
        headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      }
    }
    // Malformed JSON bodies, bodies that claim a Content-Encoding they do not have (zlib), and other client
    // errors thrown by the framework.
    if (
      error instanceof SyntaxError ||
      (err?.status === 400 && err?.code === undefined) ||
      ZLIB_INPUT_ERRORS.has(err?.code ?? '')
    ) {
      return simple(400, 'E_INVALID_BODY', 'The request body could not be parsed')
    }
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      return simple(err.status, err.code ?? 'E_BAD_REQUEST', err.message ?? 'Bad request')
    }
    return simple(500, 'E_INTERNAL', 'Something went wrong on our side')
  }
}

/** What zlib says when the body parser inflates a request body that is not what its Content-Encoding claims. */
const ZLIB_INPUT_ERRORS = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR'])

function simple(status: number, code: string, message: string) {
  return { status, errors: [{ code, message }], headers: {} }
}
