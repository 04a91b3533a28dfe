import { Exception } from '@adonisjs/core/exceptions'

type AppExceptionOptions = { field?: string; cause?: unknown }

/**
 * Base class of our typed errors: each subclass sets `static status`, `static code` and a default
 * `static message`, and renders as { errors: [{ code, message, field? }] }. A thrower may pass a
 * message (or only options, to keep the default message) and a field, never a code.
 */
export class AppException extends Exception {
  field?: string

  constructor(message?: string | AppExceptionOptions, options?: AppExceptionOptions) {
    const opts = typeof message === 'object' ? message : options
    super(typeof message === 'object' ? undefined : message, { cause: opts?.cause })
    this.field = opts?.field
  }

  toErrorBody() {
    return {
      code: this.code ?? 'E_ERROR',
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
    }
  }
}
