import db from '@adonisjs/lucid/services/db'
import { dbQueryDuration, metrics } from '#core/observability/metrics'

/** Knex clients whose queries are timed already (a connection patched to a new URL has new ones). */
const timed = new WeakSet<object>()
let started = false

/**
 * Database metrics: query time per connection (knex query events) and free pool slots per connection,
 * read at scrape time.
 */
export function instrumentDatabase() {
  started = true
  for (const name of db.manager.connections.keys()) instrumentConnection(name)

  metrics.gauge({
    name: 'db_pool_available_connections',
    help: 'Connections a pool can still hand out (free plus not yet created)',
    labelNames: ['connection'],
    collect() {
      for (const name of db.manager.connections.keys()) {
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

/**
 * Times the queries of one connection, once instrumentDatabase() has run in this process: it does so for
 * every connection at boot; a shard node registered later (app/tenancy/sharding/node_registry.ts) calls
 * it when it connects.
 */
export function instrumentConnection(name: string) {
  if (!started) return
  db.manager.connect(name)
  const connection = db.manager.get(name)!.connection!
  for (const client of [connection.client, connection.readClient]) {
    if (!client || timed.has(client)) continue
    timed.add(client)
    const begun = new Map<string, bigint>()
    client.on('query', (query: { __knexQueryUid: string }) =>
      begun.set(query.__knexQueryUid, process.hrtime.bigint())
    )
    const done = (query: { __knexQueryUid: string }) => {
      const start = begun.get(query.__knexQueryUid)
      if (start === undefined) return
      begun.delete(query.__knexQueryUid)
      dbQueryDuration.observe({ connection: name }, Number(process.hrtime.bigint() - start) / 1e9)
    }
    client.on('query-response', (_response: unknown, query: { __knexQueryUid: string }) =>
      done(query)
    )
    client.on('query-error', (_error: unknown, query: { __knexQueryUid: string }) => done(query))
  }
}
