import type { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { registry } from '#core/observability/metrics'

const CHECK_TIMEOUT_MS = 2000

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ])
}

export default class HealthController {
  /** Liveness: the process answers. */
  async live({ response }: HttpContext) {
    return response.send({ status: 'ok' })
  }

  /** Readiness: PostgreSQL on the control database and every shard node, and Redis. */
  async ready({ response }: HttpContext) {
    const connections = Object.keys(app.config.get<Record<string, unknown>>('database.connections'))
    const checks: Record<string, string> = {}
    await Promise.all([
      ...connections.map(async (name) => {
        checks[`postgres:${name}`] = await withTimeout(db.connection(name).rawQuery('select 1'))
          .then(() => 'ok')
          .catch((error: Error) => `down: ${error.message}`)
      }),
      withTimeout(redis.ping())
        .then(() => (checks.redis = 'ok'))
        .catch((error: Error) => (checks.redis = `down: ${error.message}`)),
    ])
    const ready = Object.values(checks).every((status) => status === 'ok')
    return response.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks })
  }

  /** Prometheus text format. */
  async metrics({ response }: HttpContext) {
    response.header('Content-Type', registry.contentType)
    response.header('Cache-Control', 'no-store')
    return response.send(await registry.metrics())
  }
}
