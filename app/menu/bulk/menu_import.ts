import { randomUUID } from 'node:crypto'
import vine, { errors as vineErrors } from '@vinejs/vine'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import {
  categoryFields,
  groupFields,
  itemFields,
  optionFields,
} from '#menu/validators/menu_validators'
import { selectionRange } from '#menu/services/selection_range'
import { ValidationException } from '#core/exceptions/http_errors'
import type { ImportRecord, ParsedDocument, RecordKind } from '#menu/bulk/menu_document'
import type { BulkRowError } from '#menu/models/menu_bulk_job'
import MenuCategory from '#menu/models/menu_category'
import MenuItem from '#menu/models/menu_item'
import ModifierGroup from '#menu/models/modifier_group'
import ModifierOption from '#menu/models/modifier_option'

// The same field rules as the staff API: one definition of a valid item (camelCase output, like the API's).
const validators: Record<RecordKind, ReturnType<typeof vine.compile<any>>> = {
  category: vine.compile(vine.object(categoryFields()).toCamelCase()),
  item: vine.compile(vine.object(itemFields()).toCamelCase()),
  modifier_group: vine.compile(vine.object(groupFields()).toCamelCase()),
  option: vine.compile(vine.object(optionFields()).toCamelCase()),
}

/**
 * Validates every record (each bad field of each bad row is reported, not just the first) and
 * replaces its data with the validated values. Calls onProgress(done) now and then.
 */
export async function validateDocument(
  parsed: ParsedDocument,
  onProgress: (done: number) => Promise<void>
) {
  const errors: BulkRowError[] = [...parsed.errors]
  for (const [index, record] of parsed.records.entries()) {
    try {
      let data = await validators[record.kind].validate(record.data)
      if (record.kind === 'modifier_group') data = selectionRange(data)
      record.data = data
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        for (const message of error.messages as Array<{ field: string; message: string }>) {
          errors.push({
            row: record.row,
            path: record.path,
            field: message.field,
            message: message.message,
          })
        }
      } else if (error instanceof ValidationException) {
        errors.push({
          row: record.row,
          path: record.path,
          field: error.field,
          message: error.message,
        })
      } else throw error
    }
    if (index % 100 === 99) await onProgress(index + 1)
  }
  return errors.sort((a, b) => a.row - b.row)
}

const MODELS: Record<
  RecordKind,
  typeof MenuCategory | typeof MenuItem | typeof ModifierGroup | typeof ModifierOption
> = {
  category: MenuCategory,
  item: MenuItem,
  modifier_group: ModifierGroup,
  option: ModifierOption,
}
const JSON_FIELDS = new Set(['availability', 'dietary_flags', 'allergens'])
const PARENT: Record<RecordKind, string | null> = {
  category: null,
  item: 'category_id',
  modifier_group: 'item_id',
  option: 'group_id',
}

/**
 * Replaces the merchant's whole menu with the validated document, inside the caller's transaction:
 * either all of it lands or nothing does. Rows are inserted in batches, parents first.
 */
export async function replaceMenu(
  trx: TransactionClientContract,
  merchantId: string,
  parsed: ParsedDocument,
  onProgress: (done: number) => Promise<void>
) {
  await trx.from('menu_categories').where('merchant_id', merchantId).delete()
  const batches: Record<RecordKind, Record<string, unknown>[]> = {
    category: [],
    item: [],
    modifier_group: [],
    option: [],
  }
  const visit = (record: ImportRecord, parentId: string | null, position: number) => {
    const id = randomUUID()
    const row: Record<string, unknown> = { id, merchant_id: merchantId, display_order: position }
    // The validated attributes to their columns, as the model names them.
    const columns = MODELS[record.kind].$keys.attributesToColumns
    for (const [attribute, value] of Object.entries(record.data)) {
      const column = columns.resolve(attribute)
      if (value !== undefined) row[column] = JSON_FIELDS.has(column) ? JSON.stringify(value) : value
    }
    const parentColumn = PARENT[record.kind]
    if (parentColumn) row[parentColumn] = parentId
    batches[record.kind].push(row)
    record.children.forEach((child, index) => visit(child, id, index + 1))
  }
  parsed.categories.forEach((category, index) => visit(category, null, index + 1))
  let done = 0
  for (const kind of ['category', 'item', 'modifier_group', 'option'] as const) {
    const rows = batches[kind]
    for (let at = 0; at < rows.length; at += 500) {
      const chunk = rows.slice(at, at + 500)
      // Rows of one table may carry different optional columns: insert each column set together.
      for (const group of groupByColumns(chunk))
        await trx.insertQuery().table(MODELS[kind].table).multiInsert(group)
      done += chunk.length
      await onProgress(done)
    }
  }
  return done
}

function groupByColumns(rows: Record<string, unknown>[]) {
  const groups = new Map<string, Record<string, unknown>[]>()
  for (const row of rows) {
    const key = Object.keys(row).sort().join(',')
    groups.set(key, [...(groups.get(key) ?? []), row])
  }
  return groups.values()
}
