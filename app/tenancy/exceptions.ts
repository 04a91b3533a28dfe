import { AppException } from '#core/exceptions/app_exception'

export class NoTenantContextException extends AppException {
  static status = 500
  static code = 'E_NO_TENANT_CONTEXT'
  static message = 'Code that needs a tenant ran outside of a tenant context'
}

export class MerchantRequiredException extends AppException {
  static status = 400
  static code = 'E_MERCHANT_REQUIRED'
  static message = 'This endpoint needs a merchant: sign in as staff or send the X-Merchant header'
}

export class MerchantNotFoundException extends AppException {
  static status = 404
  static code = 'E_MERCHANT_NOT_FOUND'
  static message = 'Merchant not found'
}

export class MerchantSuspendedException extends AppException {
  static status = 403
  static code = 'E_MERCHANT_SUSPENDED'
  static message = 'This merchant is suspended'
}

export class MerchantMismatchException extends AppException {
  static status = 403
  static code = 'E_MERCHANT_MISMATCH'
  static message = 'Your token belongs to another merchant than the one this request names'
}

export class ModuleDisabledException extends AppException {
  static code = 'E_MODULE_DISABLED'
  static status = 404
  static message = 'Not available for this merchant'
}

export class InvalidModuleException extends AppException {
  static status = 422
  static code = 'E_INVALID_MODULE'
  static message = 'Invalid module'
}

export class ModuleDependencyException extends AppException {
  static status = 409
  static code = 'E_MODULE_DEPENDENCY'
  static message = 'Another enabled module depends on this module'
}

export class RoleRequiredException extends AppException {
  static status = 403
  static code = 'E_ROLE_REQUIRED'
  static message = 'Your role does not allow this'
}

export class InvalidCredentialsException extends AppException {
  static status = 401
  static code = 'E_INVALID_CREDENTIALS'
  static message = 'Invalid email or password'
}

export class MembershipNotFoundException extends AppException {
  static status = 404
  static code = 'E_MEMBERSHIP_NOT_FOUND'
  static message = 'This user is not a member of this merchant'
}

export class LastOwnerException extends AppException {
  static status = 409
  static code = 'E_LAST_OWNER'
  static message = 'The last owner of a merchant cannot be removed'
}

export class WeakPasswordException extends AppException {
  static status = 422
  static code = 'E_WEAK_PASSWORD'
  static message = 'This password is too easy to guess'
}

export class InvalidAccountTokenException extends AppException {
  static status = 410
  static code = 'E_TOKEN_INVALID'
  static message = 'This link is not valid: ask for a new one'
}

/** A wrong current password when changing it; counts towards the sign-in lockout like a failed login. */
export class WrongCurrentPasswordException extends InvalidCredentialsException {
  static status = 403
  static code = 'E_WRONG_PASSWORD'
  static message = 'The current password is wrong'
}

export class SessionNotFoundException extends AppException {
  static status = 404
  static code = 'E_SESSION_NOT_FOUND'
  static message = 'Session not found'
}

/** A sign-up with an email that has an account (docs/decisions/accounts-signup.md says why a 409). */
export class EmailTakenException extends AppException {
  static status = 409
  static code = 'E_EMAIL_TAKEN'
  static message = 'An account with this email exists: sign in, or reset your password'
}

export class AccountTokenUsedException extends AppException {
  static status = 410
  static code = 'E_TOKEN_USED'
  static message = 'This link was used already'
}

export class AccountTokenExpiredException extends AppException {
  static status = 410
  static code = 'E_TOKEN_EXPIRED'
  static message = 'This link has expired: ask for a new one'
}

export class EmailAlreadyVerifiedException extends AppException {
  static status = 409
  static code = 'E_EMAIL_ALREADY_VERIFIED'
  static message = 'This email address is verified already'
}
