import db from '@adonisjs/lucid/services/db'
import { dbQueryDuration, metrics } from '#core/observability/metrics'

/**
 * Database metrics: query time per connection (knex query events) and free pool slots per connection,
 * read at scrape time.
 */
export function instrumentDatabase() {
  const names = [...db.manager.connections.keys()]
  for (const name of names) {
    db.manager.connect(name)
    const connection = db.manager.get(name)!.connection!
    for (const client of [connection.client, connection.readClient].filter(Boolean)) {
      const started = new Map<string, bigint>()
      client!.on('query', (query: { __knexQueryUid: string }) =>
        started.set(query.__knexQueryUid, process.hrtime.bigint())
      )
      const done = (_: unknown, query: { __knexQueryUid: string }) => {
        const start = started.get(query.__knexQueryUid)
        if (start === undefined) return
        started.delete(query.__knexQueryUid)
        dbQueryDuration.observe({ connection: name }, Number(process.hrtime.bigint() - start) / 1e9)
      }
      client!.on('query-response', (_response: unknown, query: { __knexQueryUid: string }) =>
        done(_response, query)
      )
      client!.on('query-error', (_error: unknown, query: { __knexQueryUid: string }) =>
        done(_error, query)
      )
    }
  }

  metrics.gauge({
    name: 'db_pool_available_connections',
    help: 'Connections a pool can still hand out (free plus not yet created)',
    labelNames: ['connection'],
    collect() {
      for (const name of names) {
        const pool = db.manager.get(name)?.connection?.pool
        if (!pool) continue
        const available =
          pool.numFree() +
          Math.max(
            0,
            (pool as unknown as { max: number }).max -
              pool.numUsed() -
              pool.numFree() -
              pool.numPendingCreates()
          )
        this.set({ connection: name }, available)
      }
    },
  })
}
