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
  /** false behind a transaction-mode pooler that cannot keep prepared statements (PgBouncer < 1.21). */
  DB_PREPARED_STATEMENTS: Env.schema.boolean.optional(),

  REDIS_URL: Env.schema.string(),
  TRUSTED_PROXIES: Env.schema.string.optional(),
  RATE_LIMIT_API: Env.schema.number.optional(),
  RATE_LIMIT_AUTH: Env.schema.number.optional(),
  RATE_LIMIT_AI: Env.schema.number.optional(),
  RATE_LIMIT_INGEST: Env.schema.number.optional(),
  RATE_LIMIT_SIGN_UP: Env.schema.number.optional(),

  SENTRY_DSN: Env.schema.string.optional(),
  // Bearer token for GET /metrics. Without it /metrics answers only loopback clients, and never in production.
  METRICS_TOKEN: Env.schema.string.optional(),
  STATSIG_SERVER_KEY: Env.schema.string.optional(),
  FEATURE_OVERRIDES: Env.schema.string.optional(),

  SMTP_HOST: Env.schema.string.optional(),
  SMTP_PORT: Env.schema.number.optional(),
  SMTP_SECURE: Env.schema.boolean.optional(),
  SMTP_USER: Env.schema.string.optional(),
  SMTP_PASSWORD: Env.schema.string.optional(),
  MAIL_FROM: Env.schema.string.optional(),
  VAPID_PUBLIC_KEY: Env.schema.string.optional(),
  VAPID_PRIVATE_KEY: Env.schema.string.optional(),
  VAPID_SUBJECT: Env.schema.string.optional(),
  SMS_DRIVER: Env.schema.enum.optional(['log'] as const),
  NOTIFICATION_LEASE_SECONDS: Env.schema.number.optional(),
  NOTIFICATION_SENDS_PER_RECIPIENT_HOUR: Env.schema.number.optional(),
  NOTIFICATION_SENDS_PER_MERCHANT_DAY: Env.schema.number.optional(),
  NOTIFICATIONS_ALLOW_PRIVATE_TARGETS: Env.schema.boolean.optional(),
  // Daily AI briefings: an OpenAI-compatible provider only when a key is set (else the local writer).
  AI_BRIEFINGS_API_KEY: Env.schema.string.optional(),
  AI_BRIEFINGS_BASE_URL: Env.schema.string.optional(),
  AI_BRIEFINGS_MODEL: Env.schema.string.optional(),
})
