import env from '#start/env'

/**
 * Requests per minute: api 100, auth 10, ai 20; sign_up, password_forgot, verification_mail and
 * invitations per hour. The env overrides exist for load tests.
 * ingest 600: public analytics ingestion, where a café's guests share one Wi-Fi IP (anonymous key).
 * Keys: the signed-in user when known, else the client IP (X-Forwarded-For only from TRUSTED_PROXIES)
 * with the merchant; auth and sign_up by the client IP alone (see ThrottleMiddleware).
 */
const rateLimits = {
  api: { requests: env.get('RATE_LIMIT_API', 100), duration: '1 minute' },
  auth: { requests: env.get('RATE_LIMIT_AUTH', 10), duration: '1 minute' },
  // A signed-in account checking its own password or codes (change password, second-factor set-up).
  account: { requests: env.get('RATE_LIMIT_AUTH', 10), duration: '1 minute' },
  ai: { requests: env.get('RATE_LIMIT_AI', 20), duration: '1 minute' },
  ingest: { requests: env.get('RATE_LIMIT_INGEST', 600), duration: '1 minute' },
  // Forgot-password requests per client address (whatever addresses it names), keyed like auth.
  password_forgot: { requests: 10, duration: '1 hour' },
  // Self sign-ups per client address alone (each one creates an account, a merchant and a mail).
  sign_up: { requests: env.get('RATE_LIMIT_SIGN_UP', 5), duration: '1 hour' },
  // Verification mails asked again, per signed-in account.
  verification_mail: { requests: 3, duration: '1 hour' },
  // Invitations sent per signed-in owner or manager (each one mails an address they chose).
  invitations: { requests: 30, duration: '1 hour' },
  // socket.io connection attempts (reconnections included), keyed by the client address alone.
  socket_handshake: { requests: 60, duration: '1 minute' },
} as const

export type RateLimitName = keyof typeof rateLimits
export default rateLimits

/**
 * Failed sign-ins per account (the normalised email, known or not): the 5th failure within 15 minutes
 * locks the account out for 15 minutes, doubling with each lockout within a day, up to a day.
 */
export const loginLockout = {
  failures: { requests: 5, duration: '15 minutes' },
  firstLockoutSeconds: 15 * 60,
  maxLockoutSeconds: 24 * 60 * 60,
  /** How long a lockout counts towards the next one's length. */
  memory: '24 hours',
} as const

/**
 * Anonymous (guest) orders per client address, merchant and pickup slot: a script cannot take a
 * slot's places from one address. Signed-in customers and staff at the counter are not counted.
 */
export const guestOrders = { perSlot: 3, duration: '8 days' } as const

/**
 * Password-reset mails per account (a digest of the normalised email, known or not): past the limit
 * the request is answered as usual and no mail is sent, so the limit tells nothing about the address.
 */
export const passwordResetRequests = { perAccount: { requests: 3, duration: '1 hour' } } as const
