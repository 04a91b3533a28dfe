import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, targets } from '@adonisjs/core/logger'
import { destination } from 'pino'
import { requestLogFields } from '#core/observability/request_log_fields'

/**
 * Keys never written to logs, wherever they appear (top level or one level down,
 * plus request headers).
 */
export const REDACTED_KEYS = [
  'password',
  'token',
  'apiKey',
  'authorization',
  'cookie',
  'cookies',
  'secret',
]
const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]).concat([
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
])

const logFile = env.get('LOG_FILE')

const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: 'gudbro',
      level: env.get('LOG_LEVEL', app.inTest ? 'info' : 'info'),
      redact: { paths: redactPaths, censor: '[REDACTED]' },
      mixin: requestLogFields,
      // A file destination (sync) when LOG_FILE is set: tests read it back.
      desination: logFile ? destination({ dest: logFile, sync: true, mkdir: true }) : undefined,
      transport:
        logFile || app.inProduction || app.inTest
          ? undefined
          : { targets: targets().push(targets.pretty()).toArray() },
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
import type { InferLoggers } from '@adonisjs/core/types'
