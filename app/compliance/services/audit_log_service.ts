import db from '@adonisjs/lucid/services/db'
import { shardRouter, tenantDb } from '#tenancy/index'
import { verbatim } from '#core/http/json_keys'

export type AuditFilters = {
  action?: string
  resourceType?: string
  actorId?: string
  from?: Date
  to?: Date
}

type Cursor = { at: string; id: string }

export function encodeCursor(cursor: Cursor) {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url')
}

export function decodeCursor(value: string): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString())
    return typeof parsed?.at === 'string' &&
      typeof parsed?.id === 'string' &&
      !Number.isNaN(Date.parse(parsed.at))
      ? parsed
      : null
  } catch {
    return null
  }
}

const SELECT = `id, merchant_id, actor_id, actor_type, action, resource_type, resource_id, old_values, new_values,
  reason, request_id, created_at, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`

/**
 * A merchant's audit trail, newest first. Its rows live on the control database (merchant, staff,
 * module switches) and on its shard node (orders, menu...): both are read with the same keyset and
 * merged, so pages are stable while new rows arrive.
 */
export async function listMerchantAudit(
  merchantId: string,
  filters: AuditFilters,
  perPage: number,
  cursor: Cursor | null
) {
  const query = (client: ReturnType<typeof db.connection>) => {
    const q = client.from('audit_log').select(db.raw(SELECT)).where('merchant_id', merchantId)
    if (filters.action) q.where('action', filters.action)
    if (filters.resourceType) q.where('resource_type', filters.resourceType)
    if (filters.actorId) q.where('actor_id', filters.actorId)
    if (filters.from) q.where('created_at', '>=', filters.from)
    if (filters.to) q.where('created_at', '<', filters.to)
    if (cursor) q.whereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', [cursor.at, cursor.id])
    return q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(perPage + 1)
  }
  const [control, shard] = await Promise.all([
    query(db.connection('control')),
    query(tenantDb() as any),
  ])
  const merged = [...control, ...shard].sort((a, b) =>
    a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1
  )
  const page = merged.slice(0, perPage)
  const next =
    merged.length > perPage
      ? encodeCursor({ at: page[page.length - 1].at, id: page[page.length - 1].id })
      : null
  return {
    data: page.map((row) => ({
      id: row.id,
      action: row.action,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      actor: { id: row.actor_id, type: row.actor_type },
      // Column values as they were written: data, not shape (their keys reach the wire unchanged).
      oldValues: verbatim(row.old_values),
      newValues: verbatim(row.new_values),
      reason: row.reason,
      requestId: row.request_id,
      createdAt: row.at,
    })),
    meta: { perPage, nextCursor: next },
  }
}

/** Creates the coming months' partitions of the audit log on every database. */
export async function ensureAuditPartitions(monthsAhead = 3) {
  for (const name of ['control', ...shardRouter.nodes()]) {
    await db.connection(name).rawQuery('SELECT ensure_audit_partitions(?::int)', [monthsAhead])
  }
}
