import { HttpContext } from '@adonisjs/core/http'

/**
 * The logger's mixin (config/logger.ts): every line logged while a request is served carries that
 * request's fields (request_id, and merchant_id once the tenant is resolved), wherever it is logged
 * from. Read when a line is written, so a request that logs nothing costs nothing. A fresh object:
 * pino merges the line's own fields into it.
 */
export function requestLogFields(): Record<string, string> {
  const fields = HttpContext.get()?.logFields
  return fields ? { ...fields } : {}
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    /** Fields of this request's log lines (request_context_middleware.ts fills them). */
    logFields: Record<string, string>
  }
}
