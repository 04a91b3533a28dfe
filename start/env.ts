/*
 * Validated environment. Every variable the app reads is declared here.
 */
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number.optional(),
  HOST: Env.schema.string.optional({ format: 'host' }),
  APP_KEY: Env.schema.string.optional(),
  APP_URL: Env.schema.string.optional(),
  APP_DOMAIN: Env.schema.string.optional(),
  LOG_LEVEL: Env.schema.string.optional(),
  LOG_FILE: Env.schema.string.optional(),

  DATABASE_URL: Env.schema.string(),
  SHARD_NODE_URLS: Env.schema.string.optional(),
  SHARD_REPLICA_URLS: Env.schema.string.optional(),
  DB_POOL_MIN: Env.schema.number.optional(),
  DB_POOL_MAX: Env.schema.number.optional(),

  REDIS_URL: Env.schema.string(),
  TRUSTED_PROXIES: Env.schema.string.optional(),
  RATE_LIMIT_API: Env.schema.number.optional(),
  RATE_LIMIT_AUTH: Env.schema.number.optional(),
  RATE_LIMIT_AI: Env.schema.number.optional(),

  SENTRY_DSN: Env.schema.string.optional(),
  STATSIG_SERVER_KEY: Env.schema.string.optional(),
  FEATURE_OVERRIDES: Env.schema.string.optional(),

  // Daily AI briefings: an OpenAI-compatible provider only when a key is set (else the local writer).
  AI_BRIEFINGS_API_KEY: Env.schema.string.optional(),
  AI_BRIEFINGS_BASE_URL: Env.schema.string.optional(),
  AI_BRIEFINGS_MODEL: Env.schema.string.optional(),
})
