import db from '@adonisjs/lucid/services/db'
import { getActor } from '#core/database/actor_context'

export type RequestKind = 'export' | 'erasure'
export type RequestVia = 'api' | 'command'

export type GdprRequestRow = {
  id: string
  kind: RequestKind
  status: string
  reason: string
  requested_by: string | null
  requested_via: RequestVia
  received_at: Date
  legal_deadline: Date
  completed_at: Date | null
  hard_delete_due_at: Date | null
  hard_deleted_at: Date | null
  summary: Record<string, unknown>
  last_error: string | null
}

const COLUMNS = [
  'id',
  'kind',
  'status',
  'reason',
  'requested_by',
  'requested_via',
  'received_at',
  'legal_deadline',
  'completed_at',
  'hard_delete_due_at',
  'hard_deleted_at',
  'summary',
  'last_error',
]

/** Data-subject requests: recorded with their Art. 12(3) deadline (one month from receipt). */
export class GdprRequests {
  async open(input: {
    kind: RequestKind
    digest: string
    userIds: string[]
    reason: string
    via: RequestVia
  }) {
    const [row] = await db
      .connection('control')
      .table('gdpr_requests')
      .insert({
        kind: input.kind,
        subject_digest: input.digest,
        subject_user_ids: input.userIds,
        status: 'received',
        reason: input.reason,
        requested_by: getActor()?.id ?? null,
        requested_via: input.via,
        legal_deadline: db.raw(`now() + interval '1 month'`),
      })
      .returning(COLUMNS)
    return row as GdprRequestRow
  }

  async update(id: string, changes: Record<string, unknown>) {
    const [row] = await db
      .connection('control')
      .from('gdpr_requests')
      .where('id', id)
      .update(changes)
      .returning(COLUMNS)
    return row as GdprRequestRow
  }

  /** Newest first; `open`: not finished yet (an erasure stays open until its hard delete ran). */
  async list(options: { open?: boolean; page?: number; perPage?: number } = {}) {
    const page = options.page ?? 1
    const perPage = options.perPage ?? 50
    const query = db
      .connection('control')
      .from('gdpr_requests')
      .select(COLUMNS)
      .orderBy('received_at', 'desc')
      .orderBy('id')
    if (options.open) query.whereIn('status', ['received', 'anonymized', 'failed'])
    const rows = (await query
      .clone()
      .limit(perPage)
      .offset((page - 1) * perPage)) as GdprRequestRow[]
    const [{ total }] = await query.clearSelect().clearOrder().count('* as total')
    return { rows, page, perPage, total: Number(total) }
  }
}

export const gdprRequests = new GdprRequests()

/** The public shape of a request (API, CLI, ace). */
export function presentRequest(row: GdprRequestRow) {
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null)
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedVia: row.requested_via,
    receivedAt: iso(row.received_at),
    legalDeadline: iso(row.legal_deadline),
    completedAt: iso(row.completed_at),
    hardDeleteDueAt: iso(row.hard_delete_due_at),
    hardDeletedAt: iso(row.hard_deleted_at),
    summary: row.summary,
    lastError: row.last_error,
  }
}
