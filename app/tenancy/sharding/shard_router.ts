import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { confirmedTransaction } from '#core/database/confirmed_transaction'
import { dbQueryDuration } from '#core/observability/metrics'
import { assignShard } from '#tenancy/sharding/shard_hash'
import { getTenant, requireTenant } from '#tenancy/context/tenant_context'

export type Intent = 'read' | 'write'

/** SQLSTATE of a write refused by a shard move's fence (database/migrations/tenancy/shard/0003_shard_fences.ts). */
export const SHARD_FENCED = 'GB503'
/** How long a transaction on a fenced shard keeps retrying: a move's fence lasts well under this. */
const FENCE_RETRY_MS = 10_000

/**
 * SQLSTATE of a row written under a merchant's old shard after shards:isolate gave it a dedicated one
 * (database/migrations/tenancy/shard/0004_dedicated_shards.ts): the merchant's entry is read again.
 */
export const MERCHANT_MOVED = 'GB504'

export function isShardFenced(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  return code === SHARD_FENCED || code === MERCHANT_MOVED
}

/** The driver's connection, as the pool hands it out. */
type PgConnection = {
  query(config: { text: string; values: unknown[]; name?: string }): Promise<{ rows: unknown[] }>
}

/** Statement texts given prepared-statement names, at most this many (callers pass constants). */
const MAX_PREPARED = 500
const preparedNames = new Map<string, string>()

/**
 * The name `text` is prepared under on each pooled connection, or none (an unnamed statement) when
 * DB_PREPARED_STATEMENTS is false, for a transaction-mode pooler that cannot keep them, or once the
 * bound is reached. A prepared statement is parsed and planned once per connection instead of on
 * every run: less CPU in PostgreSQL and in the driver (docs/decisions/conventions.md).
 */
function preparedName(text: string): string | undefined {
  const known = preparedNames.get(text)
  if (known || preparedNames.size >= MAX_PREPARED || !env.get('DB_PREPARED_STATEMENTS', true))
    return known
  const name = `read_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`
  preparedNames.set(text, name)
  return name
}

/**
 * Routes every tenant query: merchant -> logical shard (stored on the merchant) -> physical
 * connection (shard_map) -> primary for writes, replica for reads unless this unit of work already
 * wrote to that connection (read-your-writes). Nobody picks a connection by hand.
 */
export class ShardRouter {
  #map = new Map<number, string>()
  #version = 0
  /** The declared nodes, then those registered at run time (addNode). */
  #nodes: string[]
  readonly #discoverNodes?: (router: ShardRouter) => Promise<void>

  /**
   * `nodeNames`: the nodes config/database.ts declares. `discoverNodes`, when given, runs before every
   * load() and adds the nodes registered at run time (app/tenancy/sharding/node_registry.ts), so a map
   * that names one is never refused.
   */
  constructor(
    readonly shardCount: number,
    readonly nodeNames: readonly string[],
    options: { discoverNodes?: (router: ShardRouter) => Promise<void> } = {}
  ) {
    this.#nodes = [...nodeNames]
    this.#discoverNodes = options.discoverNodes
  }

  /** Default placement: contiguous ranges of shards over the declared nodes. */
  defaultConnectionFor(shardId: number): string {
    return this.nodeNames[Math.floor((shardId * this.nodeNames.length) / this.shardCount)]
  }

  /** Makes a node registered at run time known (its connection must exist first). */
  addNode(name: string) {
    if (!this.#nodes.includes(name)) this.#nodes.push(name)
  }

  /** Forgets a node no longer registered, unless it is declared or serves shards; whether it went. */
  removeNode(name: string): boolean {
    if (this.nodeNames.includes(name) || this.shardsOn(name).length > 0) return false
    this.#nodes = this.#nodes.filter((node) => node !== name)
    return true
  }

  shardFor(merchantId: string): number {
    return assignShard(merchantId, this.shardCount)
  }

  /** Loads shard_map from the control database; refuses a map that names an unknown node. */
  async load() {
    await this.#discoverNodes?.(this)
    const rows = await db
      .connection('control')
      .from('shard_map')
      .select('shard_id', 'connection_name', 'version')
    this.apply(rows)
  }

  /**
   * The map's version: the sum of the shards' versions, each raised by one when its shard is flipped
   * (a move or its rollback), so it only ever grows.
   */
  get version(): number {
    return this.#version
  }

  /** Takes a complete shard map (from shard_map, or a rebalancing plan). */
  apply(rows: Array<{ shard_id: number; connection_name: string; version?: number | string }>) {
    const map = new Map<number, string>()
    for (const row of rows) {
      if (!this.#nodes.includes(row.connection_name)) {
        throw new Error(
          `shard_map sends shard ${row.shard_id} to "${row.connection_name}", which is neither declared nor registered`
        )
      }
      map.set(row.shard_id, row.connection_name)
    }
    for (let shard = 0; shard < this.shardCount; shard++) {
      if (!map.has(shard))
        throw new Error(`shard_map has no row for shard ${shard}: run "node ace migrate:all"`)
    }
    this.#map = map
    this.#version = rows.reduce((sum, row) => sum + Number(row.version ?? 1), 0)
  }

  /** The shards a node serves: what node-wide jobs may touch there (a moved shard's old copy is not theirs). */
  shardsOn(node: string): number[] {
    return [...this.#map.entries()].filter(([, name]) => name === node).map(([shard]) => shard)
  }

  /** Writes the default placement for shards that have none yet (never moves an existing shard). */
  async ensureMap() {
    const shards = Array.from({ length: this.shardCount }, (_, shard) => shard)
    await db.connection('control').rawQuery(
      `INSERT INTO shard_map (shard_id, connection_name)
       SELECT * FROM unnest(?::int[], ?::text[]) ON CONFLICT (shard_id) DO NOTHING`,
      [shards, shards.map((shard) => this.defaultConnectionFor(shard))]
    )
    await this.load()
  }

  snapshot(): Array<{ shardId: number; connection: string }> {
    return [...this.#map.entries()]
      .sort(([a], [b]) => a - b)
      .map(([shardId, connection]) => ({ shardId, connection }))
  }

  /**
   * The node of a shard. A shard this process has not heard of (a dedicated shard made after its map was
   * read) is answered like a fence: the map is read again in the background, the caller retries.
   */
  connectionForShard(shardId: number): string {
    const name = this.#map.get(shardId)
    if (!name) {
      this.#reloadSoon()
      throw Object.assign(new Error(`Shard ${shardId} is not in this process's shard map yet`), {
        code: SHARD_FENCED,
      })
    }
    return name
  }

  #reloading: Promise<void> | undefined

  #reloadSoon() {
    this.#reloading ??= this.load()
      .catch(() => {})
      .finally(() => (this.#reloading = undefined))
  }

  isMapped(shardId: number): boolean {
    return this.#map.has(shardId)
  }

  /** A query client for the current tenant's shard node. */
  client(intent: Intent = 'read', shardId = requireTenant().shardId): QueryClientContract {
    const name = this.connectionForShard(shardId)
    const tenant = getTenant()
    if (intent === 'write') {
      tenant?.wroteTo.add(name)
      return db.connection(name, { mode: 'write' })
    }
    return db.connection(name, tenant?.wroteTo.has(name) ? { mode: 'write' } : undefined)
  }

  /**
   * The current tenant's rows from one plain read statement, run on the driver itself: no query
   * builder, no model, no per-query events. Same routing as `client()` (the tenant's node, its
   * replica unless this unit of work wrote there), same pool, same query-time metric. For read paths
   * every screen hits (benchmarks/kernel.ts measures one). `text` uses PostgreSQL's own placeholders
   * ($1, $2, ...). Prepared once per connection (`preparedName`).
   */
  async readRows<Row>(text: string, values: unknown[]): Promise<Row[]> {
    const client = this.client()
    const knex = client.getReadClient().client
    const started = process.hrtime.bigint()
    const connection: PgConnection = await knex.acquireConnection()
    try {
      const result = await connection.query({ text, values, name: preparedName(text) })
      return result.rows as Row[]
    } finally {
      knex.releaseConnection(connection)
      dbQueryDuration.observe(
        { connection: client.connectionName },
        Number(process.hrtime.bigint() - started) / 1e9
      )
    }
  }

  /**
   * A transaction on the current tenant's shard node (always the primary). A shard move's fence refuses
   * it (GB503) while the shard is being switched, and on the old node afterwards: the map is read again
   * and the whole transaction runs again, on the new node once the map says so. After FENCE_RETRY_MS the
   * fence's error goes to the caller (a 503 for a request).
   */
  async transaction<T>(
    fn: (trx: TransactionClientContract) => Promise<T>,
    shardId = requireTenant().shardId
  ): Promise<T> {
    const started = Date.now()
    let shard = shardId
    for (let attempt = 0; ; attempt++) {
      let name: string | undefined
      try {
        name = this.connectionForShard(shard)
        getTenant()?.wroteTo.add(name)
        return await confirmedTransaction(db.connection(name), fn)
      } catch (error) {
        if (!isShardFenced(error) || Date.now() - started > FENCE_RETRY_MS) throw error
        await this.load()
        if ((error as { code?: string }).code === MERCHANT_MOVED) {
          const moved = await this.#merchantShard()
          if (moved !== undefined && moved !== shard) {
            shard = moved
            continue
          }
        }
        if (this.#map.get(shard) === name)
          await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 250)))
      }
    }
  }

  /**
   * The current tenant's shard as the directory says now, after the node refused a row under the old one
   * (MERCHANT_MOVED): the rest of this unit of work goes there too.
   */
  async #merchantShard(): Promise<number | undefined> {
    const tenant = getTenant()
    if (!tenant) return undefined
    const row = await db
      .connection('control')
      .from('merchants')
      .where('id', tenant.merchantId)
      .select('shard_id')
      .first()
    if (row) tenant.shardId = Number(row.shard_id)
    return row ? Number(row.shard_id) : undefined
  }

  /** Every physical node, for work that spans shards (migrations, GDPR, health). */
  nodes(): readonly string[] {
    return this.#nodes
  }
}
