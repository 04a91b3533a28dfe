import { DateTime } from 'luxon'
import emitter from '@adonisjs/core/services/emitter'
import { TenantJob } from '#core/queue/tenant_job'
import { requireTenant, shardRouter } from '#tenancy/index'
import MenuBulkJob from '#menu/models/menu_bulk_job'
import { parseCsvDocument, parseJsonDocument } from '#menu/bulk/menu_document'
import { replaceMenu, validateDocument } from '#menu/bulk/menu_import'
import '#menu/events'

export type MenuImportPayload = { merchantId: string; bulkJobId: string }

/**
 * Imports a whole menu file: parse, validate every row (progress 0-50 %), then replace the menu in
 * one transaction (50-100 %). A file with any bad row is reported row by row and applies nothing.
 */
export default class MenuImportJob extends TenantJob<MenuImportPayload> {
  static jobName = 'menu.import'
  static queueName = 'menu'

  async handle({ bulkJobId }: MenuImportPayload) {
    const run = await MenuBulkJob.forTenant().where('id', bulkJobId).where('kind', 'import').first()
    if (!run || run.status === 'succeeded' || run.status === 'failed') return
    run.merge({ status: 'running', progress: 0, processedRows: 0, errors: [] })
    await run.save()

    const parsed =
      run.format === 'csv' ? parseCsvDocument(run.input ?? '') : parseJsonDocument(run.input ?? '')
    const total = Math.max(parsed.records.length, 1)
    await run.merge({ totalRows: parsed.records.length }).save()
    const errors = await validateDocument(parsed, (done) =>
      run
        .merge({ processedRows: done, progress: Math.floor((done / total) * 50) })
        .save()
        .then(() => {})
    )
    if (errors.length || parsed.records.length === 0) {
      const empty =
        parsed.records.length === 0 && errors.length === 0
          ? [{ row: 0, message: 'The file holds no menu records' }]
          : []
      await run
        .merge({ status: 'failed', errors: [...errors, ...empty], finishedAt: DateTime.now() })
        .save()
      return
    }
    const { merchantId } = requireTenant()
    await shardRouter.transaction((trx) =>
      replaceMenu(trx, merchantId, parsed, (done) =>
        run
          .merge({ processedRows: done, progress: 50 + Math.floor((done / total) * 49) })
          .save()
          .then(() => {})
      )
    )
    await run
      .merge({
        status: 'succeeded',
        progress: 100,
        processedRows: parsed.records.length,
        finishedAt: DateTime.now(),
      })
      .save()
    await emitter.emit('menu.updated', { merchantId, reason: 'import' })
  }

  async rescue({ bulkJobId }: MenuImportPayload, error: Error) {
    await MenuBulkJob.forTenant()
      .where('id', bulkJobId)
      .update({
        status: 'failed',
        errors: JSON.stringify([{ row: 0, message: `Import failed: ${error.message}` }]),
        finished_at: new Date(),
      })
  }
}
