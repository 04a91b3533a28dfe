/**
 * Errors that mean PostgreSQL or Redis cannot be reached right now (a restart, a failover, a network
 * cut), as opposed to a bug. The request did not happen (a transaction that lost its connection rolls
 * back), so the client may retry it, with the same Idempotency-Key: the handler answers 503 with
 * Retry-After instead of 500.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown,
 * cannot connect now: a restart), 53300 (too many connections), and our own GB503: the shard is fenced
 * on that node because it is moving or has just moved (database/migrations/tenancy/shard/0003_shard_fences.ts),
 * and GB504: the merchant has just moved to a dedicated shard (tenancy/shard/0004_dedicated_shards.ts).
 */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300|GB503|GB504)$/

/** Client-side errors without a code: node-postgres, knex's pool, ioredis. */
const NAMES = new Set(['KnexTimeoutError', 'MaxRetriesPerRequestError'])
const MESSAGES = [
  /Connection terminated/,
  // knex: BEGIN failed on a connection that had just died, so the transaction ended before its first
  // query (the BEGIN error itself is not what the caller sees). Using a transaction after its commit
  // gives the same message, but that bug fails every time, in tests too.
  /^Transaction query already complete/,
  /is not queryable/,
  /Timeout acquiring a connection/,
  /^Connection is closed\.$/,
  /enableOfflineQueue options is false/,
]

type Described = {
  code?: unknown
  name?: unknown
  message?: unknown
  cause?: unknown
  errors?: unknown
}

export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false
  const { code, name, message, cause, errors } = error as Described
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true
  if (typeof name === 'string' && NAMES.has(name)) return true
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true
  // Node's AggregateError (one error per address tried) and wrapped causes.
  if (Array.isArray(errors) && errors.some((inner) => isDependencyUnavailable(inner, depth + 1)))
    return true
  return isDependencyUnavailable(cause, depth + 1)
}
