import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { PersonalTable } from '#core/privacy/personal_data'
import { normaliseEmail, normalisePhone } from '#core/privacy/contact'

/** A data subject: an account (found by email) and/or guest contact details. */
export type Subject = { emails: string[]; phones: string[]; userIds: string[] }

export { normaliseEmail, normalisePhone } from '#core/privacy/contact'

/** Finds the accounts behind the contact details; guests have none, and that is fine. */
export async function resolveSubject(input: { email?: string; phone?: string }): Promise<Subject> {
  const emails = input.email ? [normaliseEmail(input.email)] : []
  const phones = input.phone ? [normalisePhone(input.phone)] : []
  const users = emails.length
    ? await db
        .connection('control')
        .from('users')
        .whereRaw('lower(email) = ANY(?::text[])', [emails])
        .select('id')
    : []
  return { emails, phones, userIds: users.map((user) => user.id as string) }
}

/** What a request record keeps instead of the address: the request must outlive the erasure. */
export function subjectDigest(input: { email?: string; phone?: string }) {
  const key = input.email
    ? `email:${normaliseEmail(input.email)}`
    : `phone:${normalisePhone(input.phone ?? '')}`
  return createHash('sha256').update(key).digest('hex')
}

/**
 * The WHERE clause that finds the subject's rows in a declared table (its subject links OR-ed), or
 * null when none of its links can match this subject. `parentKeys` holds the keys already matched in
 * parent tables on the same node.
 */
export function subjectCondition(
  table: PersonalTable,
  subject: Subject,
  parentKeys: Map<string, string[]>
): { sql: string; bindings: unknown[] } | null {
  const parts: string[] = []
  const bindings: unknown[] = []
  const contacts = [...subject.emails, ...subject.phones]
  const add = (sql: string, values: string[]) => {
    if (values.length === 0) return
    parts.push(sql)
    bindings.push(values)
  }
  for (const link of table.subject) {
    const column = `"${link.column}"`
    if (link.kind === 'userId') add(`${column} = ANY(?)`, subject.userIds)
    else if (link.kind === 'email') add(`lower(${column}) = ANY(?::text[])`, subject.emails)
    else if (link.kind === 'phone') add(`${column} = ANY(?)`, subject.phones)
    else if (link.kind === 'contact') add(`lower(${column}) = ANY(?::text[])`, contacts)
    else if (link.kind === 'contactList')
      add(`EXISTS (SELECT 1 FROM unnest(${column}) AS c WHERE lower(c) = ANY(?::text[]))`, contacts)
    else if (link.kind === 'parent') add(`${column} = ANY(?)`, parentKeys.get(link.table) ?? [])
  }
  return parts.length ? { sql: parts.map((part) => `(${part})`).join(' OR '), bindings } : null
}

/**
 * The select list an export reads from a table's matched rows: the whole row, or for rows that belong
 * to someone else (export 'subjectEntries') only the key and the subject's own entries of each list.
 */
export function exportedColumns(
  table: PersonalTable,
  subject: Subject
): { sql: string; bindings: unknown[] } {
  if (table.export !== 'subjectEntries') return { sql: '*', bindings: [] }
  const contacts = [...subject.emails, ...subject.phones]
  const lists = table.subject.map(
    ({ column }) =>
      `ARRAY(SELECT c FROM unnest("${column}") AS c WHERE lower(c) = ANY(?::text[])) AS "${column}"`
  )
  return {
    sql: [`"${table.key ?? 'id'}"`, ...lists].join(', '),
    bindings: table.subject.map(() => contacts),
  }
}
