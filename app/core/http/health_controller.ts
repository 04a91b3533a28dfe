import type { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import env from '#start/env'
import { registry, startSampling } from '#core/observability/metrics'
import { authorizeScrape } from '#core/observability/metrics_access'
import { workerHeartbeatFresh } from '#core/queue/worker_heartbeat'

const CHECK_TIMEOUT_MS = 2000
/** Readiness is computed at most once a second per process, however often it is asked. */
const READY_REUSE_MS = 1000

type CheckResult = 'ok' | 'failing'
type Readiness = { status: 'ready' | 'degraded' | 'not_ready'; checks: Record<string, CheckResult> }

function check(probe: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)
  })
  return Promise.race([probe(), timeout])
    .then((result) => (result === false ? 'failing' : 'ok') as CheckResult)
    .catch(() => 'failing' as const)
    .finally(() => clearTimeout(timer))
}

/**
 * PostgreSQL on the control database and every shard node and Redis decide readiness (503 when one
 * fails). The queue worker's heartbeat is reported but does not: this process can still take orders
 * while no worker runs (the outbox keeps notifications until one is back), and taking every API
 * process out of the load balancer would not bring a worker back. Answers hold no error text.
 */
let readinessConnections = () =>
  Object.keys(app.config.get<Record<string, unknown>>('database.connections'))

/**
 * Which database connections readiness checks: by default the configured ones. The tenancy core adds
 * the shard nodes registered at run time that serve shards (providers/tenancy_provider.ts): a spare or
 * drained node that is down serves nothing and takes no process out of the load balancer.
 */
export function checkReadinessOf(connections: () => string[]) {
  readinessConnections = connections
}

async function readiness(): Promise<Readiness> {
  const connections = readinessConnections()
  const main = redis.connection('main')
  const [postgres, redisCheck, worker] = await Promise.all([
    Promise.all(connections.map((name) => check(() => db.connection(name).rawQuery('select 1')))),
    check(() => main.ping()),
    check(() => workerHeartbeatFresh(main)),
  ])
  const checks: Record<string, CheckResult> = {}
  connections.forEach((name, index) => (checks[`postgres:${name}`] = postgres[index]))
  checks.redis = redisCheck
  checks.worker = worker
  const required = Object.entries(checks).filter(([name]) => name !== 'worker')
  const status = required.some(([, result]) => result !== 'ok')
    ? 'not_ready'
    : worker === 'ok'
      ? 'ready'
      : 'degraded'
  return { status, checks }
}

let lastReadiness: { at: number; result: Promise<Readiness> } | undefined

export default class HealthController {
  /** Liveness: the process answers. */
  async live({ response }: HttpContext) {
    return response.send({ status: 'ok' })
  }

  /** Readiness, shared by the callers of the same second (a flood of probes costs one round of checks). */
  async ready({ response }: HttpContext) {
    if (!lastReadiness || Date.now() - lastReadiness.at > READY_REUSE_MS) {
      lastReadiness = { at: Date.now(), result: readiness() }
    }
    const result = await lastReadiness.result
    response.header('Cache-Control', 'no-store')
    return response.status(result.status === 'not_ready' ? 503 : 200).send(result)
  }

  /** Prometheus text format, for holders of METRICS_TOKEN (see metrics_access.ts). */
  async metrics(ctx: HttpContext) {
    authorizeScrape(ctx, {
      token: env.get('METRICS_TOKEN'),
      loopbackWithoutToken: !app.inProduction,
    })
    await startSampling()
    ctx.response.header('Content-Type', registry.contentType)
    ctx.response.header('Cache-Control', 'no-store')
    return ctx.response.send(await registry.metrics())
  }
}
