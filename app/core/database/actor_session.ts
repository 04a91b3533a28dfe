import pg from 'pg'
import { getActor, type AuditActor } from '#core/database/actor_context'

/**
 * Hands the current actor to PostgreSQL with `set_config(name, value, true)`: transaction-local, so it
 * ends with the transaction and can never leak to the next user of a pooled connection.
 *
 * Installed once on the pg driver, below Lucid and knex, so every query of every module is covered
 * without anyone remembering to call a helper:
 * - a transaction's BEGIN is followed by the settings before its caller hears back;
 * - a write outside a transaction (autocommit) is wrapped in BEGIN / settings / write / COMMIT
 *   (ROLLBACK and the write's error if it fails), and its caller hears back once that is done.
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

  const run = (client: any, config: unknown, params?: unknown) =>
    new Promise<unknown>((resolve, reject) =>
      original.call(client, config, params, (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result)))
    )

  Client.prototype.query = function (this: any, config: any, values?: any, callback?: any) {
    const actor = getActor()
    if (!actor || config == null || typeof config.submit === 'function') return original.call(this, config, values, callback)
    const text: string = typeof config === 'string' ? config : config.text ?? ''
    const begins = BEGIN.test(text)
    const autocommitWrite = !begins && WRITE.test(text) && this.getTransactionStatus?.() === 'I'
    if (!begins && !autocommitWrite) return original.call(this, config, values, callback)

    const done: Callback | undefined = typeof values === 'function' ? values : callback
    const params = typeof values === 'function' ? undefined : values
    const settings = settingsValues(actor)
    const work = async () => {
      if (begins) {
        const result = await run(this, config, params)
        await run(this, SETTINGS_SQL, settings)
        return result
      }
      // Autocommit write: run it in a short transaction that carries the actor.
      await run(this, 'BEGIN')
      try {
        await run(this, SETTINGS_SQL, settings)
        const result = await run(this, config, params)
        await run(this, 'COMMIT')
        return result
      } catch (error) {
        await run(this, 'ROLLBACK').catch(() => {})
        throw error
      }
    }
    if (!done) return work()
    work().then((result) => done(null, result), (error) => done(error))
    return undefined
  }
}
