import pg from 'pg'
import { getActor, type AuditActor } from '#core/database/actor_context'

/**
 * Hands the current actor to PostgreSQL with `set_config(name, value, true)`: transaction-local, so it
 * ends with the transaction and can never leak to the next user of a pooled connection.
 *
 * Installed once on the pg driver, below Lucid and knex, so every query of every module is covered
 * without anyone remembering to call a helper:
 * - a transaction's BEGIN is followed at once by the settings (queued on the same connection);
 * - a write outside a transaction (autocommit) is wrapped in BEGIN / settings / write / COMMIT, and
 *   its caller hears back only once COMMIT has answered.
 * Reads outside transactions and queries without an actor pass through untouched.
 */
const BEGIN = /^\s*(begin|start\s+transaction)\b/i
const WRITE = /^\s*(insert|update|delete|merge|with)\b/i
const SETTINGS_SQL =
  `SELECT set_config('app.actor_id', $1, true), set_config('app.actor_type', $2, true),
          set_config('app.actor_reason', $3, true), set_config('app.request_id', $4, true),
          set_config('app.client_ip', $5, true), set_config('app.user_agent', $6, true)`

function settingsValues(actor: AuditActor) {
  return [actor.id ?? '', actor.type, actor.reason ?? '', actor.requestId ?? '', actor.ip ?? '', (actor.userAgent ?? '').slice(0, 500)]
}

type Callback = (error: Error | null, result?: unknown) => void
let installed = false

export function installActorSession() {
  if (installed) return
  installed = true
  const Client = pg.Client as any
  const original = Client.prototype.query

  Client.prototype.query = function (this: any, config: any, values?: any, callback?: any) {
    const actor = getActor()
    if (!actor || config == null || typeof config.submit === 'function') return original.call(this, config, values, callback)
    const text: string = typeof config === 'string' ? config : config.text ?? ''

    if (BEGIN.test(text)) {
      const result = original.call(this, config, values, callback)
      original.call(this, SETTINGS_SQL, settingsValues(actor), () => {})
      return result
    }
    if (!WRITE.test(text) || this.getTransactionStatus?.() !== 'I') return original.call(this, config, values, callback)

    // Autocommit write: run it in a short transaction that carries the actor.
    const done: Callback | undefined = typeof values === 'function' ? values : callback
    const params = typeof values === 'function' ? undefined : values
    let outcome: { error: Error | null; result?: unknown } = { error: null }
    const finish = new Promise<unknown>((resolve, reject) => {
      original.call(this, 'BEGIN', () => {})
      original.call(this, SETTINGS_SQL, settingsValues(actor), () => {})
      original.call(this, config, params, (error: Error | null, result: unknown) => (outcome = { error, result }))
      // A failed write aborted the transaction: COMMIT then answers ROLLBACK, and the write's error is reported.
      original.call(this, 'COMMIT', (commitError: Error | null) => {
        const error = outcome.error ?? commitError
        if (done) done(error, outcome.result)
        error ? reject(error) : resolve(outcome.result)
      })
    })
    if (done) {
      finish.catch(() => {})
      return undefined
    }
    return finish
  }
}
