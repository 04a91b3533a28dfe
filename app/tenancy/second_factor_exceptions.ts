import { AppException } from '#core/exceptions/app_exception'

/** Errors of the second factor (TOTP and recovery codes). */
export class InvalidSecondFactorCodeException extends AppException {
  static status = 401
  static code = 'E_SECOND_FACTOR_INVALID_CODE'
  static message = 'The code is wrong, expired or already used'
}

export class SecondFactorLockedException extends AppException {
  static status = 429
  static code = 'E_SECOND_FACTOR_LOCKED'
  static message = 'Too many wrong codes for this account: try again later'
}

export class SecondFactorChallengeInvalidException extends AppException {
  static status = 401
  static code = 'E_SECOND_FACTOR_CHALLENGE_INVALID'
  static message = 'This sign-in step is unknown, expired or already used: sign in again'
}

export class SecondFactorAlreadyEnabledException extends AppException {
  static status = 409
  static code = 'E_SECOND_FACTOR_ALREADY_ENABLED'
  static message = 'A second factor is already active on this account: disable it first'
}

export class SecondFactorNotStartedException extends AppException {
  static status = 409
  static code = 'E_SECOND_FACTOR_NOT_STARTED'
  static message = 'No second factor is waiting for confirmation: start the enrolment first'
}

export class SecondFactorNotEnabledException extends AppException {
  static status = 409
  static code = 'E_SECOND_FACTOR_NOT_ENABLED'
  static message = 'This account has no active second factor'
}

export class SecondFactorMandatoryException extends AppException {
  static status = 403
  static code = 'E_SECOND_FACTOR_MANDATORY'
  static message = 'Platform support accounts must keep a second factor'
}

/** A support login (or token) without a second factor: no token is issued, the admin API refuses. */
export class SecondFactorRequiredException extends AppException {
  static status = 403
  static code = 'E_SECOND_FACTOR_REQUIRED'
  static message =
    'Platform support must sign in with a second factor: sign in again with your code'
}

export class SecondFactorEnrolmentRequiredException extends AppException {
  static status = 403
  static code = 'E_SECOND_FACTOR_ENROLMENT_REQUIRED'
  static message =
    'Platform support accounts need a second factor before they can sign in: ask an operator to run "node ace users:second-factor <email>"'
}
