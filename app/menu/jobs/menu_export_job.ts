import { DateTime } from 'luxon'
import { TenantJob } from '#core/queue/tenant_job'
import { requireTenant } from '#tenancy/index'
import MenuBulkJob from '#menu/models/menu_bulk_job'
import { loadMenu } from '#menu/services/menu_query'
import { menuToCsv, menuToJson } from '#menu/bulk/menu_export'

export type MenuExportPayload = { merchantId: string; bulkJobId: string }

/** Exports the whole menu (hidden rows included) in the import's own format. */
export default class MenuExportJob extends TenantJob<MenuExportPayload> {
  static jobName = 'menu.export'
  static queueName = 'menu'

  async handle({ bulkJobId }: MenuExportPayload) {
    const run = await MenuBulkJob.forTenant().where('id', bulkJobId).where('kind', 'export').first()
    if (!run || run.status === 'succeeded') return
    await run.merge({ status: 'running', progress: 10 }).save()
    const categories = await loadMenu(requireTenant().merchantId, true)
    const rows = categories.reduce(
      (sum, c) =>
        sum +
        1 +
        c.items.reduce(
          (s, i) => s + 1 + i.modifier_groups.reduce((g, m) => g + 1 + m.options.length, 0),
          0
        ),
      0
    )
    const output = run.format === 'csv' ? menuToCsv(categories) : menuToJson(categories)
    await run
      .merge({
        status: 'succeeded',
        progress: 100,
        totalRows: rows,
        processedRows: rows,
        output,
        finishedAt: DateTime.now(),
      })
      .save()
  }

  async rescue({ bulkJobId }: MenuExportPayload, error: Error) {
    await MenuBulkJob.forTenant()
      .where('id', bulkJobId)
      .update({
        status: 'failed',
        errors: JSON.stringify([{ row: 0, message: `Export failed: ${error.message}` }]),
        finished_at: new Date(),
      })
  }
}
