import { AppException } from '#core/exceptions/app_exception'

export class DeveloperRequiredException extends AppException {
  static status = 403
  static code = 'E_DEVELOPER_REQUIRED'
  static message = 'Create a developer account first (POST /api/v1/developer/account)'
}

export class DeveloperNotFoundException extends AppException {
  static status = 404
  static code = 'E_DEVELOPER_NOT_FOUND'
  static message = 'Developer not found'
}

export class DeveloperExistsException extends AppException {
  static status = 409
  static code = 'E_DEVELOPER_EXISTS'
  static message = 'You already have a developer account'
}

export class DeveloperNotVerifiedException extends AppException {
  static status = 403
  static code = 'E_DEVELOPER_NOT_VERIFIED'
  static message =
    'Your developer account is not verified yet: drafts only until support verifies it'
}

export class DeveloperSuspendedException extends AppException {
  static status = 403
  static code = 'E_DEVELOPER_SUSPENDED'
  static message = 'Your developer account is suspended'
}

export class DeveloperStateException extends AppException {
  static status = 409
  static code = 'E_DEVELOPER_STATE'
  static message = 'The developer account is not in a state that allows this'
}

export class AppNotFoundException extends AppException {
  static status = 404
  static code = 'E_APP_NOT_FOUND'
  static message = 'App not found'
}

export class AppNotEditableException extends AppException {
  static status = 409
  static code = 'E_APP_NOT_EDITABLE'
  static message = 'Only a draft or rejected app can be edited'
}

export class AppStateException extends AppException {
  static status = 409
  static code = 'E_APP_STATE'
  static message = 'The app is not in a state that allows this'
}

export class AppIncompleteException extends AppException {
  static status = 422
  static code = 'E_APP_INCOMPLETE'
  static message = 'The app needs at least one redirect URI and one scope before review'
}

export class AppSlugTakenException extends AppException {
  static status = 409
  static code = 'E_APP_SLUG_TAKEN'
  static message = 'Another app already uses this slug'
}

/** The consent request names no listed app (unknown client id, or an app not in the listing). */
export class OAuthClientUnknownException extends AppException {
  static status = 400
  static code = 'E_OAUTH_CLIENT_UNKNOWN'
  static message = 'No listed app has this client_id'
}

export class OAuthRedirectUriException extends AppException {
  static status = 400
  static code = 'E_OAUTH_REDIRECT_URI'
  static message = "The redirect_uri is not exactly one of the app's redirect URIs"
}

export class OAuthScopeException extends AppException {
  static status = 400
  static code = 'E_OAUTH_INVALID_SCOPE'
  static message = 'The scope must name one or more of the scopes the app requests'
}

export class OAuthPkceRequiredException extends AppException {
  static status = 400
  static code = 'E_OAUTH_PKCE_REQUIRED'
  static message =
    'A code_challenge (base64url of a SHA-256, 43 characters) with code_challenge_method S256 is required'
}

export class OAuthInvalidRequestException extends AppException {
  static status = 400
  static code = 'E_OAUTH_INVALID_REQUEST'
  static message = 'The authorization request is malformed'
}

export class InstallationNotFoundException extends AppException {
  static status = 404
  static code = 'E_INSTALLATION_NOT_FOUND'
  static message = 'Installation not found'
}
