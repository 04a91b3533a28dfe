import { AppException } from '#core/exceptions/app_exception'

/** Generic HTTP errors shared by every module. Module-specific ones live in the module. */
export class NotFoundException extends AppException {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'Resource not found'
}

export class ForbiddenException extends AppException {
  static status = 403
  static code = 'E_FORBIDDEN'
  static message = 'You are not allowed to do this'
}

export class UnauthorizedException extends AppException {
  static status = 401
  static code = 'E_UNAUTHORIZED'
  static message = 'Authentication required'
}

export class ConflictException extends AppException {
  static status = 409
  static code = 'E_CONFLICT'
  static message = 'The resource is in a conflicting state'
}

export class BadRequestException extends AppException {
  static status = 400
  static code = 'E_BAD_REQUEST'
  static message = 'Bad request'
}

/**
 * Input that a rule beyond the request schema refuses, answered like the validator's own errors:
 * 422 with code E_VALIDATION and the `field` at fault.
 */
export class ValidationException extends AppException {
  static status = 422
  static code = 'E_VALIDATION'
  static message = 'Invalid input'
}
