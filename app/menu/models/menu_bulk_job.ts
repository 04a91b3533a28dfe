import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/index'
import { jsonColumn } from '#menu/models/model_support'

export type BulkRowError = { row: number; path?: string; field?: string; message: string }

/** One import or export run; the status endpoint serialises it. */
export default class MenuBulkJob extends TenantModel {
  static table = 'menu_bulk_jobs'

  @column()
  declare kind: 'import' | 'export'

  @column()
  declare format: 'json' | 'csv'

  @column()
  declare status: 'queued' | 'running' | 'succeeded' | 'failed'

  @column()
  declare progress: number

  @column()
  declare totalRows: number

  @column()
  declare processedRows: number

  @column(jsonColumn)
  declare errors: BulkRowError[]

  @column({ serializeAs: null })
  declare input: string | null

  @column({ serializeAs: null })
  declare output: string | null

  @column()
  declare createdBy: string | null

  @column.dateTime()
  declare finishedAt: DateTime | null
}
