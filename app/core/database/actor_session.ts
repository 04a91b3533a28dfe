import pg from 'pg'
import { getActor, type AuditActor } from '#core/database/actor_context'

/**
 * Hands the current actor to PostgreSQL with `set_config(name, value, true)`: transaction-local, so it
 * ends with the transaction and can never leak to the next user of a pooled connection.
 *
 * Installed once on the pg driver, below Lucid and knex, so every query of every module is covered
 * without anyone remembering to call a helper:
 * - a transaction's BEGIN carries the settings in the same message (no extra round trip);
 * - a write outside a transaction (autocommit) is wrapped in BEGIN + settings / write / COMMIT
 *   (ROLLBACK and the write's error if it fails), and its caller hears back once that is done.
 * Reads outside transactions and queries without an actor pass through untouched.
 */
const BEGIN = /^\s*(begin|start\s+transaction)\b/i
const WRITE = /^\s*(insert|update|delete|merge|with)\b/i
const SETTINGS = [
  'app.actor_id',
  'app.actor_type',
  'app.actor_reason',
  'app.request_id',
  'app.client_ip',
  'app.user_agent',
]

/**
 * One SELECT of set_config calls, with the values as escaped literals so it can travel in the same
 * simple-protocol message as BEGIN (one round trip for both).
 */
function settingsSql(client: any, actor: AuditActor) {
  const values = [
    actor.id ?? '',
    actor.type,
    actor.reason ?? '',
    actor.requestId ?? '',
    actor.ip ?? '',
    (actor.userAgent ?? '').slice(0, 500),
  ]
  return `SELECT ${SETTINGS.map((name, i) => `set_config('${name}', ${client.escapeLiteral(values[i])}, true)`).join(', ')}`
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
      original.call(client, config, params, (error: Error | null, result: unknown) =>
        error ? reject(error) : resolve(result)
      )
    )

  Client.prototype.query = function (this: any, config: any, values?: any, callback?: any) {
    const actor = getActor()
    if (!actor || config === null || config === undefined || typeof config.submit === 'function')
      return original.call(this, config, values, callback)
    const text: string = typeof config === 'string' ? config : (config.text ?? '')
    const begins = BEGIN.test(text)
    const autocommitWrite = !begins && WRITE.test(text) && this.getTransactionStatus?.() === 'I'
    if (!begins && !autocommitWrite) return original.call(this, config, values, callback)

    const done: Callback | undefined = typeof values === 'function' ? values : callback
    const params = typeof values === 'function' ? undefined : values
    const settings = settingsSql(this, actor)
    const work = async () => {
      if (begins) {
        // The caller's BEGIN and the settings in one message; the caller gets BEGIN's own result.
        const results = await run(this, `${text.replace(/;\s*$/, '')}; ${settings}`)
        return Array.isArray(results) ? results[0] : results
      }
      // Autocommit write: run it in a short transaction that carries the actor.
      await run(this, `BEGIN; ${settings}`)
      try {
        const result = await run(this, config, params)
        await run(this, 'COMMIT')
        return result
      } catch (error) {
        await run(this, 'ROLLBACK').catch(() => {})
        throw error
      }
    }
    if (!done) return work()
    work().then(
      (result) => done(null, result),
      (error) => done(error)
    )
    return undefined
  }
}
