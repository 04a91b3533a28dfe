import { assertNoShardMove } from '#tenancy/index'
import db from '@adonisjs/lucid/services/db'
import { runWithReason } from '#core/database/actor_context'
import {
  personalDataRegistry,
  type RegisteredTable,
} from '#compliance/services/personal_data_registry'
import {
  exportedColumns,
  resolveSubject,
  subjectCondition,
  subjectDigest,
  type Subject,
} from '#compliance/services/subject'
import { gdprRequests, type RequestVia } from '#compliance/services/gdpr_requests'
import { recordAudit } from '#compliance/services/audit_recorder'
import { ART15_CONTROLLER, processingInformation } from '#compliance/services/art15'

export type SubjectInput = { email?: string; phone?: string }
export type Progress = (event: { node: string; table: string; rows: number }) => void

/**
 * Art. 15 / Art. 20 export: every row the registry says belongs to the subject, from the control
 * database and every shard node (archive tables are declared like any other), plus the Art. 15
 * information. The read is audited with its reason.
 */
export class GdprExportService {
  async export(input: SubjectInput & { reason: string; via: RequestVia; onProgress?: Progress }) {
    return runWithReason(input.reason, async () => {
      await assertNoShardMove('A GDPR export')
      const subject = await resolveSubject(input)
      const request = await gdprRequests.open({
        kind: 'export',
        digest: subjectDigest(input),
        userIds: subject.userIds,
        reason: input.reason,
        via: input.via,
      })
      const tables = await personalDataRegistry.tables()
      const data: Record<string, Record<string, Array<Record<string, unknown>>>> = {}
      const counts: Record<string, number> = {}
      for (const node of personalDataRegistry.nodes()) {
        const found = await this.collect(
          node.name,
          tables.filter((t) => t.location === node.location),
          subject,
          input.onProgress
        )
        for (const { table, rows } of found) {
          if (rows.length === 0) continue
          const moduleData = (data[table.module] ??= {})
          ;(moduleData[table.table] ??= []).push(
            ...rows.map((row) => ({ ...row, _source: node.location }))
          )
          counts[`${table.module}.${table.table}`] =
            (counts[`${table.module}.${table.table}`] ?? 0) + rows.length
        }
      }
      const merchantIds = new Set<string>()
      for (const moduleData of Object.values(data)) {
        for (const rows of Object.values(moduleData))
          for (const row of rows)
            if (typeof row.merchant_id === 'string') merchantIds.add(row.merchant_id)
      }
      const merchants = merchantIds.size
        ? await db
            .connection('control')
            .from('merchants')
            .whereIn('id', [...merchantIds])
            .select('id', 'slug', 'name')
        : []
      const generatedAt = new Date().toISOString()
      await gdprRequests.update(request.id, {
        status: 'completed',
        completed_at: new Date(),
        summary: JSON.stringify({ counts }),
      })
      await recordAudit({
        action: 'gdpr.export',
        resourceType: 'data_subject',
        resourceId: request.id,
        reason: input.reason,
        details: { counts },
      })
      return {
        requestId: request.id,
        document: {
          format: 'gudbro.gdpr-export.v1',
          generatedAt,
          requestId: request.id,
          subject: { emails: subject.emails, phones: subject.phones, accountIds: subject.userIds },
          information: { ...ART15_CONTROLLER, processing: processingInformation(tables) },
          merchants,
          counts,
          data,
        },
      }
    })
  }

  /** The subject's rows on one node, table by table (parents before their children). */
  async collect(node: string, tables: RegisteredTable[], subject: Subject, onProgress?: Progress) {
    const parentKeys = new Map<string, string[]>()
    const found: Array<{ table: RegisteredTable; rows: Array<Record<string, unknown>> }> = []
    for (const table of tables) {
      const condition = subjectCondition(table, subject, parentKeys)
      const columns = exportedColumns(table, subject)
      const result = condition
        ? await db
            .connection(node)
            .rawQuery(`SELECT ${columns.sql} FROM "${table.table}" WHERE ${condition.sql}`, [
              ...columns.bindings,
              ...condition.bindings,
            ] as any[])
        : { rows: [] }
      const rows = result.rows as Array<Record<string, unknown>>
      parentKeys.set(
        table.table,
        rows.map((row) => String(row[table.key ?? 'id']))
      )
      for (const column of table.exportExcludes ?? []) for (const row of rows) delete row[column]
      onProgress?.({ node, table: table.table, rows: rows.length })
      found.push({ table, rows })
    }
    return found
  }
}

export const gdprExport = new GdprExportService()
