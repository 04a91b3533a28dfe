/**
 * The personal-data registry's declaration format. Every module that stores personal data declares
 * it (defineModule({ personalData: () => import('#<module>/personal_data') })): where each table lives,
 * how its rows link to a data subject, which columns are personal, and how they are erased. The
 * compliance module reads these declarations for GDPR export and erasure; a schema-scan test fails when
 * a column that looks personal is declared nowhere.
 */

/** How a row links to a data subject (several links are OR-ed). */
export type SubjectLink =
  /** A user id (uuid or text column). */
  | { column: string; kind: 'userId' }
  /** An email address (compared case-insensitively). */
  | { column: string; kind: 'email' }
  /** A phone number. */
  | { column: string; kind: 'phone' }
  /** An email address or a phone number (a notification recipient). */
  | { column: string; kind: 'contact' }
  /** A text[] of emails or phones. */
  | { column: string; kind: 'contactList' }
  /** Rows whose column holds the key of a matched row of another declared table on the same node. */
  | { column: string; kind: 'parent'; table: string }

/**
 * How one personal column is anonymized: 'null'; 'redact' (the text "[erased]"); 'erasedEmail'
 * (a unique undeliverable address, for NOT NULL unique columns); 'emptyJson' ('{}'); 'removeSubject'
 * (drop the subject's contacts from a text[]).
 */
export type Anonymizer = 'null' | 'redact' | 'erasedEmail' | 'emptyJson' | 'removeSubject'

/**
 * 'anonymize': rows stay (accountability, tax records), personal columns blanked.
 * 'anonymize-then-delete': blanked at once, rows deleted when the retention period ends.
 * 'delete-now': rows deleted at once (credentials, device subscriptions).
 */
export type ErasureStrategy = 'anonymize' | 'anonymize-then-delete' | 'delete-now'

/** What Art. 15(1) asks us to tell the data subject about this processing. */
export type ProcessingInformation = {
  purpose: string
  legalBasis: string
  recipients: string[]
  retention: string
  source: string
}

export type PersonalTable = {
  table: string
  /** The control database, or every shard node. */
  location: 'control' | 'shard'
  /** Primary key used to delete rows later (default "id"). */
  key?: string
  subject: SubjectLink[]
  /** Personal columns and how each is anonymized (subject link columns that are personal belong here too). */
  personal: Record<string, Anonymizer>
  erase: ErasureStrategy
  /**
   * What an export holds of a matched row. 'row' (the default): the row is the subject's own; every
   * column but `exportExcludes`. 'subjectEntries': the row belongs to someone else and lists the subject
   * among other people (a merchant's alert recipients): only its key and the subject's own entries of
   * its contactList columns. Tables with a contactList link must use it.
   */
  export?: 'row' | 'subjectEntries'
  /** Columns never exported (secrets: password hashes, token hashes, push keys, idempotency keys). */
  exportExcludes?: string[]
  information: ProcessingInformation
}

/** Columns whose names look personal but are not (a merchant's business name), with the reason. */
export type NotPersonal = {
  table: string
  location: 'control' | 'shard'
  columns: Record<string, string>
}

export type PersonalDataDeclaration = { tables: PersonalTable[]; notPersonal?: NotPersonal[] }

const ANONYMIZERS = new Set<Anonymizer>([
  'null',
  'redact',
  'erasedEmail',
  'emptyJson',
  'removeSubject',
])
const STRATEGIES = new Set<ErasureStrategy>(['anonymize', 'anonymize-then-delete', 'delete-now'])
const IDENT = /^[a-z_][a-z0-9_]*$/

/** Checks a declaration eagerly and names the bad table or column. */
export function definePersonalData(declaration: PersonalDataDeclaration): PersonalDataDeclaration {
  const seen = new Set<string>()
  for (const table of declaration.tables) {
    const where = `personal data "${table.location}.${table.table}"`
    if (!IDENT.test(table.table)) throw new Error(`${where}: bad table name`)
    if (table.location !== 'control' && table.location !== 'shard')
      throw new Error(`${where}: location must be control or shard`)
    if (!STRATEGIES.has(table.erase))
      throw new Error(`${where}: unknown erase strategy "${table.erase}"`)
    if (!table.subject?.length) throw new Error(`${where}: needs at least one subject link`)
    for (const link of table.subject) {
      if (!IDENT.test(link.column)) throw new Error(`${where}: bad subject column "${link.column}"`)
      if (link.kind === 'parent' && !seen.has(`${table.location}.${link.table}`)) {
        throw new Error(`${where}: parent table "${link.table}" must be declared before it`)
      }
    }
    const contactLists = table.subject.filter((link) => link.kind === 'contactList').length
    if (contactLists > 0 && table.export !== 'subjectEntries') {
      throw new Error(
        `${where}: a contactList names other people too; declare export: 'subjectEntries'`
      )
    }
    if (table.export === 'subjectEntries' && contactLists !== table.subject.length) {
      throw new Error(`${where}: export 'subjectEntries' needs contactList subject links only`)
    }
    for (const [column, anonymizer] of Object.entries(table.personal)) {
      if (!IDENT.test(column)) throw new Error(`${where}: bad column "${column}"`)
      if (!ANONYMIZERS.has(anonymizer))
        throw new Error(`${where}: column "${column}" has unknown anonymizer "${anonymizer}"`)
    }
    for (const key of ['purpose', 'legalBasis', 'retention', 'source'] as const) {
      if (!table.information?.[key])
        throw new Error(`${where}: information.${key} is required (Art. 15)`)
    }
    seen.add(`${table.location}.${table.table}`)
  }
  return declaration
}
