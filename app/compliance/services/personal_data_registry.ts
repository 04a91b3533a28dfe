import db from '@adonisjs/lucid/services/db'
import { moduleRegistry, shardRouter } from '#tenancy/index'
import type { NotPersonal, PersonalTable } from '#core/privacy/personal_data'

export type RegisteredTable = PersonalTable & { module: string }
export type Node = { name: string; location: 'control' | 'shard' }

/** Column names that look like personal data (the schema scan checks each one is declared). */
export const LOOKS_PERSONAL =
  /(^|_)(e?mail|emails|phone|phones|mobile|name|names|surname|address|addresses|ip|user_agent|birth|birthday|dob|postcode|zip|recipient|recipients|contact|customer|guest|iban|passport)(_|$)/i

/** Column names that look like secrets (the schema scan checks an export never carries one). */
export const LOOKS_SECRET =
  /(^|_)(secret|secrets|token|tokens|hash|password|passwd|passphrase|pin|otp|key|keys|salt|auth|p256dh|ciphertext|signature|credential|credentials|private)(_|$)/i

/** Tables of the framework itself (migration bookkeeping), not of any module. */
const FRAMEWORK_TABLES = /^schema_migrations/

/** The personal-data registry: every module's declaration, read from the module registry. */
export class PersonalDataRegistry {
  async tables(): Promise<RegisteredTable[]> {
    const declarations = await moduleRegistry().loadPersonalData()
    return declarations.flatMap(({ module, declaration }) =>
      declaration.tables.map((table) => ({ ...table, module }))
    )
  }

  async notPersonal(): Promise<NotPersonal[]> {
    const declarations = await moduleRegistry().loadPersonalData()
    return declarations.flatMap(({ declaration }) => declaration.notPersonal ?? [])
  }

  /** The control database, then every shard node: where personal data can live. */
  nodes(): Node[] {
    return [
      { name: 'control', location: 'control' },
      ...shardRouter.nodes().map((name) => ({ name, location: 'shard' as const })),
    ]
  }

  async tablesAt(location: 'control' | 'shard'): Promise<RegisteredTable[]> {
    const tables = await this.tables()
    return tables.filter((table) => table.location === location)
  }

  /**
   * Columns on `node` whose names look personal and that no module declares (as personal, as a
   * subject link, or as not personal). Partitions are checked through their parent table.
   */
  async undeclaredColumns(node: Node): Promise<string[]> {
    const declared = new Set<string>()
    for (const table of await this.tablesAt(node.location)) {
      for (const column of Object.keys(table.personal)) declared.add(`${table.table}.${column}`)
      for (const link of table.subject) declared.add(`${table.table}.${link.column}`)
    }
    for (const entry of await this.notPersonal()) {
      if (entry.location !== node.location) continue
      for (const column of Object.keys(entry.columns)) declared.add(`${entry.table}.${column}`)
    }
    const columns = await this.#columns(node)
    return columns
      .filter(
        (row) => !FRAMEWORK_TABLES.test(row.table_name) && LOOKS_PERSONAL.test(row.column_name)
      )
      .map((row) => `${row.table_name}.${row.column_name}`)
      .filter((column) => !declared.has(column))
  }

  /**
   * Columns on `node` whose names look secret and that a GDPR export would carry: columns of tables
   * exported whole ('row') that are not in the table's `exportExcludes`.
   */
  async exportedSecretColumns(node: Node): Promise<string[]> {
    const excluded = new Map<string, Set<string>>()
    for (const table of await this.tablesAt(node.location)) {
      if (table.export !== 'subjectEntries')
        excluded.set(table.table, new Set(table.exportExcludes ?? []))
    }
    const columns = await this.#columns(node)
    return columns
      .filter((row) => excluded.has(row.table_name) && LOOKS_SECRET.test(row.column_name))
      .filter((row) => !excluded.get(row.table_name)!.has(row.column_name))
      .map((row) => `${row.table_name}.${row.column_name}`)
  }

  /** Every column of the node's tables (partitions are read through their parent table). */
  async #columns(node: Node) {
    const result = await db.connection(node.name).rawQuery(
      `SELECT c.relname AS table_name, a.attname AS column_name
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2`
    )
    return result.rows as Array<{ table_name: string; column_name: string }>
  }
}

export const personalDataRegistry = new PersonalDataRegistry()
