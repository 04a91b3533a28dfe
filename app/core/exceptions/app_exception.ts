import { Exception } from '@adonisjs/core/exceptions'

/**
 * Base class of our typed errors: each subclass sets `static status` and `static code`
 * and renders as { errors: [{ code, message, field? }] }.
 */
export class AppException extends Exception {
  field?: string

  constructor(message?: string, options?: { field?: string; cause?: unknown }) {
    super(message, { cause: options?.cause })
    this.field = options?.field
  }

  toErrorBody() {
    return {
      code: this.code ?? 'E_ERROR',
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
    }
  }
}
