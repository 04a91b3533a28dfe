import env from '#start/env'

/**
 * Requests per minute (seed 1.1): api 100, auth 10, ai 20. The env overrides exist for load tests.
 * ingest 600: public analytics ingestion, where a café's guests share one Wi-Fi IP (anonymous key).
 * Keys: the signed-in user when known, else the client IP (X-Forwarded-For only from TRUSTED_PROXIES)
 * together with the merchant.
 */
const rateLimits = {
  api: { requests: env.get('RATE_LIMIT_API', 100), duration: '1 minute' },
  auth: { requests: env.get('RATE_LIMIT_AUTH', 10), duration: '1 minute' },
  ai: { requests: env.get('RATE_LIMIT_AI', 20), duration: '1 minute' },
  ingest: { requests: env.get('RATE_LIMIT_INGEST', 600), duration: '1 minute' },
  // socket.io connection attempts (reconnections included), keyed by the client address alone.
  socket_handshake: { requests: 60, duration: '1 minute' },
} as const

export type RateLimitName = keyof typeof rateLimits
export default rateLimits
