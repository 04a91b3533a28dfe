import pg from 'pg'

/**
 * One session on a shard node's primary for a shard move: DDL, replication functions and session
 * settings that a pooled connection must not carry. Statements use PostgreSQL's own placeholders.
 */
export class NodeLink {
  #client?: pg.Client

  constructor(
    readonly name: string,
    readonly url: string
  ) {}

  async #session(): Promise<pg.Client> {
    if (!this.#client) {
      const client = new pg.Client({ connectionString: this.url, application_name: 'shard_move' })
      client.on('error', () => {
        this.#client = undefined
      })
      await client.connect()
      // Row texts (checksums) must read the same on both nodes.
      await client.query(`SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET DateStyle = 'ISO'`)
      this.#client = client
    }
    return this.#client
  }

  async query<Row = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
    const client = await this.#session()
    const result = await client.query(text, values)
    return result.rows as Row[]
  }

  async one<Row = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row> {
    const [row] = await this.query<Row>(text, values)
    return row
  }

  /**
   * Statements in one transaction. `bypassFence` lets the move's own writes through its fence;
   * `asReplica` also skips foreign keys and audit triggers (clean-up of a whole shard's rows).
   */
  async transaction<T>(
    fn: () => Promise<T>,
    options: { bypassFence?: boolean; asReplica?: boolean; lockTimeout?: string } = {}
  ): Promise<T> {
    await this.query('BEGIN')
    try {
      if (options.bypassFence) await this.query(`SET LOCAL gudbro.shard_fence_bypass = 'on'`)
      if (options.asReplica) await this.query(`SET LOCAL session_replication_role = replica`)
      if (options.lockTimeout) await this.query(`SET LOCAL lock_timeout = '${options.lockTimeout}'`)
      const result = await fn()
      await this.query('COMMIT')
      return result
    } catch (error) {
      await this.query('ROLLBACK').catch(() => {})
      throw error
    }
  }

  async close() {
    await this.#client?.end().catch(() => {})
    this.#client = undefined
  }
}

/** An identifier as SQL text: our own names, checked, never user input. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected SQL identifier "${name}"`)
  return `"${name}"`
}
