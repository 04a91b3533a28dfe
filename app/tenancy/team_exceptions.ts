import { AppException } from '#core/exceptions/app_exception'

/** Team management errors (invitations, members, ownership): each a 4xx with a stable code. */

export class InvitationNotFoundException extends AppException {
  static status = 404
  static code = 'E_INVITATION_NOT_FOUND'
  static message = 'Invitation not found'
}

/** The link is not (or no longer) one we issued. */
export class InvitationInvalidException extends AppException {
  static status = 404
  static code = 'E_INVITATION_INVALID'
  static message = 'This invitation link is not valid'
}

export class InvitationUsedException extends AppException {
  static status = 410
  static code = 'E_INVITATION_USED'
  static message = 'This invitation has already been accepted'
}

export class InvitationExpiredException extends AppException {
  static status = 410
  static code = 'E_INVITATION_EXPIRED'
  static message = 'This invitation has expired: ask for a new one'
}

export class InvitationRevokedException extends AppException {
  static status = 410
  static code = 'E_INVITATION_REVOKED'
  static message = 'This invitation was withdrawn'
}

export class InvitationForAnotherAccountException extends AppException {
  static status = 403
  static code = 'E_INVITATION_FOR_ANOTHER_ACCOUNT'
  static message =
    'This invitation was sent to another address than the account you are signed in with'
}

export class SignInToAcceptException extends AppException {
  static status = 409
  static code = 'E_SIGN_IN_TO_ACCEPT'
  static message = 'An account exists for this address: sign in with it, then accept the invitation'
}

export class AlreadyMemberException extends AppException {
  static status = 409
  static code = 'E_ALREADY_MEMBER'
  static message = 'This person is already a member of this merchant'
}

export class TooManyInvitationsException extends AppException {
  static status = 409
  static code = 'E_TOO_MANY_INVITATIONS'
  static message = 'Too many open invitations: revoke some before inviting more'
}

/** GDPR erasure of an account that is the only owner of a merchant. */
export class OnlyOwnerException extends AppException {
  static status = 409
  static code = 'E_TRANSFER_OWNERSHIP_FIRST'
  static message =
    'This account is the only owner of a merchant: transfer its ownership to another member (or close the merchant) first'
}

/** A self-signed-up shop mails invitations only once its owner has proved their address. */
export class VerifyEmailFirstException extends AppException {
  static status = 409
  static code = 'E_VERIFY_EMAIL_FIRST'
  static message = 'Verify your email address before inviting your team'
}
