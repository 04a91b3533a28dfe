import db from '@adonisjs/lucid/services/db'
import type { PendingDelete } from '#compliance/services/gdpr_erasure_service'
import { snakeKeys } from '#core/http/json_keys'

const CHUNK = 1000

/**
 * Runs the hard deletes that are due: for each erasure whose hard_delete_due_at has passed, deletes the
 * rows its anonymization listed (rows kept for legal reasons were never listed). The due date lives in
 * PostgreSQL, so a restart or a Redis flush changes nothing; the daily job (and every worker start)
 * calls this. `now` is a parameter so the passing of 90 days can be tested.
 */
export class HardDeleteService {
  async runDue(now: Date = new Date()): Promise<{ requests: number; rows: number }> {
    let requests = 0
    let rows = 0
    for (;;) {
      const done = await db.connection('control').transaction(async (trx) => {
        const request = await trx
          .from('gdpr_requests')
          .where('status', 'anonymized')
          .whereNull('hard_deleted_at')
          .where('hard_delete_due_at', '<=', now)
          .orderBy('hard_delete_due_at')
          .forUpdate()
          .skipLocked()
          .first()
        if (!request) return null
        let deleted = 0
        // Children before parents is not needed (foreign keys cascade); deletes are idempotent.
        for (const item of request.pending_deletes as PendingDelete[]) {
          for (let start = 0; start < item.keys.length; start += CHUNK) {
            const keys = item.keys.slice(start, start + CHUNK)
            const client = item.node === 'control' ? trx : db.connection(item.node)
            const result = await client.rawQuery(
              `DELETE FROM "${item.table}" WHERE "${item.key}" = ANY(?)`,
              [keys]
            )
            deleted += result.rowCount ?? 0
          }
        }
        await trx
          .from('gdpr_requests')
          .where('id', request.id)
          .update({
            status: 'deleted',
            hard_deleted_at: now,
            pending_deletes: '[]',
            // Stored JSON is snake_case like the wire; it is shown as is (docs/decisions/wire-format.md).
            summary: JSON.stringify(snakeKeys({ ...request.summary, hardDeletedRows: deleted })),
          })
        return deleted
      })
      if (done === null) break
      requests++
      rows += done
    }
    return { requests, rows }
  }
}

export const hardDeletes = new HardDeleteService()
