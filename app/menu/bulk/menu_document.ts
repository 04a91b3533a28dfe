import { parseCsv } from '#menu/bulk/csv'
import type { BulkRowError } from '#menu/models/menu_bulk_job'

export type RecordKind = 'category' | 'item' | 'modifier_group' | 'option'
export type ImportRecord = {
  kind: RecordKind
  /** JSON: position in document order (1-based); CSV: line number (the header is line 1). */
  row: number
  path: string
  data: Record<string, unknown>
  children: ImportRecord[]
}
export type ParsedDocument = {
  categories: ImportRecord[]
  records: ImportRecord[]
  errors: BulkRowError[]
}

const CHILDREN: Record<RecordKind, { key: string; kind: RecordKind } | null> = {
  category: { key: 'items', kind: 'item' },
  item: { key: 'modifier_groups', kind: 'modifier_group' },
  modifier_group: { key: 'options', kind: 'option' },
  option: null,
}

/** The JSON export's shape: { categories: [{ ..., items: [{ ..., modifier_groups: [{ ..., options }] }] }] }. */
export function parseJsonDocument(text: string): ParsedDocument {
  const parsed: ParsedDocument = { categories: [], records: [], errors: [] }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    parsed.errors.push({
      row: 0,
      message: `The file is not valid JSON: ${(error as Error).message}`,
    })
    return parsed
  }
  const categories = (document as { categories?: unknown })?.categories
  if (!Array.isArray(categories)) {
    parsed.errors.push({
      row: 0,
      field: 'categories',
      message: 'The file must be an object with a "categories" array',
    })
    return parsed
  }
  const walk = (value: unknown, kind: RecordKind, path: string): ImportRecord | null => {
    const row = parsed.records.length + 1
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      parsed.errors.push({ row, path, message: `Each ${kind.replace('_', ' ')} must be an object` })
      return null
    }
    const { [CHILDREN[kind]?.key ?? '']: nested, ...data } = value as Record<string, unknown>
    const record: ImportRecord = { kind, row, path, data, children: [] }
    parsed.records.push(record)
    const child = CHILDREN[kind]
    if (child && nested !== undefined) {
      if (!Array.isArray(nested))
        parsed.errors.push({
          row,
          path,
          field: child.key,
          message: `"${child.key}" must be an array`,
        })
      else
        nested.forEach((entry, index) => {
          const made = walk(entry, child.kind, `${path}.${child.key}[${index}]`)
          if (made) record.children.push(made)
        })
    }
    return record
  }
  categories.forEach((entry, index) => {
    const made = walk(entry, 'category', `categories[${index}]`)
    if (made) parsed.categories.push(made)
  })
  return parsed
}

export const CSV_COLUMNS = [
  'record',
  'category',
  'item',
  'group',
  'name',
  'description',
  'display_order',
  'is_active',
  'availability',
  'price_minor',
  'currency',
  'image_url',
  'sold_out',
  'dietary_flags',
  'allergens',
  'duration_minutes',
  'rental_unit',
  'is_required',
  'min_select',
  'max_select',
  'price_delta_minor',
  'in_stock',
] as const

/** Which columns a record of each kind reads; the others must be empty for it. */
export const CSV_FIELDS: Record<RecordKind, string[]> = {
  category: ['name', 'description', 'display_order', 'is_active', 'availability'],
  item: [
    'name',
    'description',
    'price_minor',
    'currency',
    'image_url',
    'display_order',
    'is_active',
    'sold_out',
    'dietary_flags',
    'allergens',
    'duration_minutes',
    'rental_unit',
  ],
  modifier_group: ['name', 'display_order', 'is_required', 'min_select', 'max_select'],
  option: ['name', 'price_delta_minor', 'allergens', 'in_stock', 'display_order'],
}

const NUMBERS = new Set([
  'display_order',
  'price_minor',
  'duration_minutes',
  'min_select',
  'max_select',
  'price_delta_minor',
])
const BOOLEANS = new Set(['is_active', 'sold_out', 'is_required', 'in_stock'])
const LISTS = new Set(['dietary_flags', 'allergens'])
const KINDS = new Set<string>(['category', 'item', 'modifier_group', 'option'])

/** A CSV cell as the validator expects it; unreadable values are passed on for it to reject. */
function cell(column: string, raw: string): unknown {
  const value = raw.trim()
  if (value === '') return undefined
  if (NUMBERS.has(column)) return /^-?\d+$/.test(value) ? Number(value) : value
  if (BOOLEANS.has(column)) {
    const lower = value.toLowerCase()
    return ['true', '1', 'yes'].includes(lower)
      ? true
      : ['false', '0', 'no'].includes(lower)
        ? false
        : value
  }
  if (LISTS.has(column))
    return value
      .split('|')
      .map((code) => code.trim())
      .filter(Boolean)
  if (column === 'availability') return JSON.parse(value)
  return value
}

/**
 * One record per line: `record` says what the line is; items name their category, groups their
 * category and item, options their category, item and group (by name, as written above them).
 * Lists are separated by "|"; availability is the JSON array of windows.
 */
export function parseCsvDocument(text: string): ParsedDocument {
  const parsed: ParsedDocument = { categories: [], records: [], errors: [] }
  let rows: string[][]
  try {
    rows = parseCsv(text)
  } catch (error) {
    parsed.errors.push({ row: 0, message: (error as Error).message })
    return parsed
  }
  const header = (rows[0] ?? []).map((name) => name.trim().toLowerCase())
  const unknown = header.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name))
  if (!header.includes('record') || !header.includes('name') || unknown.length) {
    parsed.errors.push({
      row: 1,
      message: unknown.length
        ? `Unknown column(s): ${unknown.join(', ')}`
        : 'The header needs at least "record" and "name"',
    })
    return parsed
  }
  const parents = new Map<string, ImportRecord>()
  const keyOf = (...names: unknown[]) =>
    names
      .map((name) =>
        String(name ?? '')
          .trim()
          .toLowerCase()
      )
      .join('\u0000')
  rows.slice(1).forEach((values, index) => {
    const row = index + 2
    if (values.every((value) => value.trim() === '')) return
    const line = Object.fromEntries(header.map((name, at) => [name, values[at] ?? '']))
    const kind = line.record.trim().toLowerCase()
    if (!KINDS.has(kind)) {
      parsed.errors.push({
        row,
        field: 'record',
        message: 'record must be one of category, item, modifier_group, option',
      })
      return
    }
    const data: Record<string, unknown> = {}
    for (const column of CSV_FIELDS[kind as RecordKind]) {
      try {
        const value = cell(column, line[column] ?? '')
        if (value !== undefined) data[column] = value
      } catch {
        parsed.errors.push({ row, field: column, message: `${column} is not valid JSON` })
      }
    }
    const record: ImportRecord = {
      kind: kind as RecordKind,
      row,
      path: `line ${row}`,
      data,
      children: [],
    }
    parsed.records.push(record)
    const lineage = {
      category: [],
      item: [line.category],
      modifier_group: [line.category, line.item],
      option: [line.category, line.item, line.group],
    }[kind as RecordKind]
    parents.set(keyOf(kind, ...lineage, line.name), record)
    if (kind === 'category') return parsed.categories.push(record)
    const parentKind = (
      { item: 'category', modifier_group: 'item', option: 'modifier_group' } as const
    )[kind as Exclude<RecordKind, 'category'>]
    const parent = parents.get(keyOf(parentKind, ...lineage))
    if (!parent) {
      const field = { category: 'category', item: 'item', modifier_group: 'group' }[parentKind]
      parsed.errors.push({
        row,
        field,
        message: `No ${parentKind.replace('_', ' ')} above this line matches it`,
      })
      return
    }
    parent.children.push(record)
  })
  return parsed
}
