import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'

/** How often the uses seen by this process are written, and the least time between two writes of a token. */
export const USAGE_FLUSH_MS = 60_000
/** A token's last_used_at is left alone when it is this recent (another process wrote it). */
const RECENT = '55 seconds'
/** Rows per UPDATE statement (two bindings each). */
const BATCH = 500
/** Distinct tokens remembered between two writes; past this, the write happens early. */
const MAX_PENDING = 50_000

/**
 * `auth_access_tokens.last_used_at`, written off the request path: a request only notes the use in memory;
 * a timer writes every token used since the last write in one statement per 500 tokens, once a minute, and
 * skips tokens whose last_used_at another process set less than a minute ago. So a token's row is written
 * at most about once a minute whatever the traffic, and last_used_at may be up to two minutes behind.
 * Uses noted in the last minute before a crash are lost (a clean shutdown writes them).
 */
export class TokenUsage {
  #pending = new Map<string, number>()
  #timer?: NodeJS.Timeout
  #stopped = false
  #hooked = false
  #writing: Promise<void> = Promise.resolve()

  /** Notes that the token was used at `at` (ms). Synchronous, no I/O. */
  record(tokenId: string, at: number) {
    this.#pending.set(tokenId, at)
    if (!this.#timer && !this.#stopped) this.start()
    else if (this.#pending.size >= MAX_PENDING)
      HttpContext.runOutsideContext(() => void this.flush())
  }

  /** Token ids noted since the last write (tests). */
  pending(): string[] {
    return [...this.#pending.keys()]
  }

  /** Writes what is pending now; resolves when that write (and any before it) is done. Never throws. */
  flush(): Promise<void> {
    const uses = [...this.#pending]
    this.#pending = new Map()
    this.#writing = this.#writing.then(() => this.#write(uses))
    return this.#writing
  }

  /** Stops the timer (shutdown, tests): uses are still noted, and written by the next flush(). */
  stop() {
    this.#stopped = true
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /**
   * Starts the timer (the first use does). It and the shutdown hook are made outside any request: a
   * timer keeps the async context it was created in, and a request's context would make the write look
   * like that request's (audit actor).
   */
  start() {
    this.#stopped = false
    if (this.#timer) return
    HttpContext.runOutsideContext(() => {
      this.#timer = setInterval(() => void this.flush(), USAGE_FLUSH_MS).unref()
      if (this.#hooked) return
      this.#hooked = true
      app.terminating(async () => {
        this.stop()
        await this.flush()
      })
    })
  }

  async #write(uses: Array<[string, number]>) {
    for (let start = 0; start < uses.length; start += BATCH) {
      const batch = uses.slice(start, start + BATCH)
      try {
        await db.connection('control').rawQuery(
          `UPDATE auth_access_tokens AS t SET last_used_at = u.at
           FROM (VALUES ${batch.map(() => '(?::bigint, ?::timestamptz)').join(', ')}) AS u (id, at)
           WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at < u.at - interval '${RECENT}')`,
          batch.flatMap(([id, at]) => [id, new Date(at)])
        )
      } catch (error) {
        // Bookkeeping only: a failed write is logged and not retried (the next use notes the token again).
        logger.warn({ err: error, tokens: batch.length }, 'token last_used_at not written')
      }
    }
  }
}

export const tokenUsage = new TokenUsage()
