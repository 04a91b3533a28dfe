import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { Anonymizer } from '#core/privacy/personal_data'
import { runWithReason } from '#core/database/actor_context'
import { accessRevocations } from '#core/revocation/access_revocations'
import {
  personalDataRegistry,
  type RegisteredTable,
} from '#compliance/services/personal_data_registry'
import {
  resolveSubject,
  subjectCondition,
  subjectDigest,
  type Subject,
} from '#compliance/services/subject'
import { gdprRequests, presentRequest, type RequestVia } from '#compliance/services/gdpr_requests'
import { recordAudit } from '#compliance/services/audit_recorder'
import { assertNoShardMove, teamMembers } from '#tenancy/index'
import type { Progress, SubjectInput } from '#compliance/services/gdpr_export_service'

/** Days between the anonymization and the hard delete of what is not kept (docs/decisions/compliance.md). */
export const HARD_DELETE_AFTER_DAYS = 90

export type PendingDelete = { node: string; table: string; key: string; keys: string[] }

function anonymized(
  column: string,
  anonymizer: Anonymizer,
  key: string,
  bindings: unknown[],
  contacts: string[]
) {
  const quoted = `"${column}"`
  switch (anonymizer) {
    case 'null':
      return `${quoted} = NULL`
    case 'redact':
      return `${quoted} = '[erased]'`
    case 'erasedEmail':
      return `${quoted} = 'erased+' || "${key}"::text || '@erased.invalid'`
    case 'emptyJson':
      return `${quoted} = '{}'::jsonb`
    case 'removeSubject':
      bindings.push(contacts)
      return `${quoted} = ARRAY(SELECT c FROM unnest(${quoted}) AS c WHERE NOT lower(c) = ANY(?::text[]))`
  }
}

/**
 * Art. 17 erasure: the subject's personal values are anonymized at once on the control database and
 * every shard node (one transaction per node, so each node is all-or-nothing; re-running is safe);
 * rows kept for legal reasons keep everything but the personal columns. Rows to remove later are
 * listed on the request, whose hard_delete_due_at the daily job honours.
 */
export class GdprErasureService {
  async erase(input: SubjectInput & { reason: string; via: RequestVia; onProgress?: Progress }) {
    return runWithReason(input.reason, async () => {
      await assertNoShardMove('A GDPR erasure')
      const subject = await resolveSubject(input)
      // A merchant must keep an owner: its only owner transfers ownership before being erased.
      await teamMembers.assertNotOnlyOwner(subject.userIds)
      let request = await gdprRequests.open({
        kind: 'erasure',
        digest: subjectDigest(input),
        userIds: subject.userIds,
        reason: input.reason,
        via: input.via,
      })
      const tables = await personalDataRegistry.tables()
      const pending: PendingDelete[] = []
      const counts: Record<string, number> = {}
      try {
        // Shards first, control last: the account row (which finds the subject) goes only once the rest is done.
        const nodes = personalDataRegistry.nodes().reverse()
        for (const node of nodes) {
          const nodeTables = tables.filter((table) => table.location === node.location)
          await db.connection(node.name).transaction(async (trx) => {
            const matched = await this.#match(trx, nodeTables, subject)
            for (const table of [...nodeTables].reverse()) {
              const keys = matched.get(table.table) ?? []
              if (keys.length === 0) continue
              await this.#eraseRows(trx, table, keys, subject)
              counts[`${table.module}.${table.table}`] =
                (counts[`${table.module}.${table.table}`] ?? 0) + keys.length
              if (table.erase === 'anonymize-then-delete')
                pending.push({ node: node.name, table: table.table, key: table.key ?? 'id', keys })
              input.onProgress?.({ node: node.name, table: table.table, rows: keys.length })
            }
          })
        }
      } catch (error) {
        await gdprRequests.update(request.id, {
          status: 'failed',
          last_error: (error as Error).message.slice(0, 1000),
        })
        throw error
      }
      request = await gdprRequests.update(request.id, {
        status: 'anonymized',
        completed_at: new Date(),
        hard_delete_due_at: new Date(Date.now() + HARD_DELETE_AFTER_DAYS * 86_400_000),
        pending_deletes: JSON.stringify(pending),
        summary: JSON.stringify({ counts }),
      })
      await recordAudit({
        action: 'gdpr.erase',
        resourceType: 'data_subject',
        resourceId: request.id,
        reason: input.reason,
        details: { counts },
      })
      // Their access tokens are deleted above: close their open sockets in every process too.
      for (const userId of subject.userIds)
        await accessRevocations.publish({ reason: 'account_erased', userId })
      return {
        receipt: {
          ...presentRequest(request),
          anonymized: counts,
          scheduledDeletion: pending.map(({ node, table, keys }) => ({
            location: node === 'control' ? 'control' : 'shard',
            table,
            rows: keys.length,
          })),
        },
      }
    })
  }

  async #match(trx: TransactionClientContract, tables: RegisteredTable[], subject: Subject) {
    const matched = new Map<string, string[]>()
    for (const table of tables) {
      const condition = subjectCondition(table, subject, matched)
      const key = table.key ?? 'id'
      if (!condition) {
        matched.set(table.table, [])
        continue
      }
      const result = await trx.rawQuery(
        `SELECT "${key}"::text AS key FROM "${table.table}" WHERE ${condition.sql} FOR UPDATE`,
        condition.bindings as any[]
      )
      matched.set(
        table.table,
        result.rows.map((row: { key: string }) => row.key)
      )
    }
    return matched
  }

  async #eraseRows(
    trx: TransactionClientContract,
    table: RegisteredTable,
    keys: string[],
    subject: Subject
  ) {
    const key = table.key ?? 'id'
    if (table.erase === 'delete-now') {
      await trx.rawQuery(`DELETE FROM "${table.table}" WHERE "${key}" = ANY(?)`, [keys])
      return
    }
    const bindings: unknown[] = []
    const contacts = [...subject.emails, ...subject.phones]
    const sets = Object.entries(table.personal).map(([column, anonymizer]) =>
      anonymized(column, anonymizer, key, bindings, contacts)
    )
    if (sets.length === 0) return
    await trx.rawQuery(`UPDATE "${table.table}" SET ${sets.join(', ')} WHERE "${key}" = ANY(?)`, [
      ...bindings,
      keys,
    ] as any[])
  }
}

export const gdprErasure = new GdprErasureService()
