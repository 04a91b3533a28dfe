/** The error codes of RFC 6749 5.2 the token endpoint answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type'

/**
 * A token endpoint refusal. Not an AppException: the token endpoint answers in the shape of RFC 6749
 * 5.2 (`{ error, error_description }`), which OAuth client libraries read, rather than our error body
 * (docs/decisions/marketplace.md, "OAuth install").
 */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400
  ) {
    super(description)
  }
}
