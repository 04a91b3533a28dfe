import type { HttpContext } from '@adonisjs/core/http'
import { dispatchTenantJob, requireTenant } from '#tenancy/index'
import { NotFoundException, ConflictException } from '#core/exceptions/http_errors'
import MenuBulkJob from '#menu/models/menu_bulk_job'
import MenuImportJob from '#menu/jobs/menu_import_job'
import MenuExportJob from '#menu/jobs/menu_export_job'
import { pathId } from '#core/http/path_id'
import { bulkExportValidator, bulkImportValidator } from '#menu/validators/menu_validators'

/** Staff: whole-menu import and export as background jobs, with a status endpoint. */
export default class BulkController {
  async startImport({ request, response, actor }: HttpContext) {
    const { format, content } = await request.validateUsing(bulkImportValidator)
    const run = await MenuBulkJob.create({
      merchantId: requireTenant().merchantId,
      kind: 'import',
      format,
      input: content,
      createdBy: actor?.userId ?? null,
    })
    await dispatchTenantJob(MenuImportJob, { bulkJobId: run.id })
    return response.accepted({ data: await this.#view(run) })
  }

  async startExport({ request, response, actor }: HttpContext) {
    const { format } = await request.validateUsing(bulkExportValidator)
    const run = await MenuBulkJob.create({
      merchantId: requireTenant().merchantId,
      kind: 'export',
      format,
      createdBy: actor?.userId ?? null,
    })
    await dispatchTenantJob(MenuExportJob, { bulkJobId: run.id })
    return response.accepted({ data: await this.#view(run) })
  }

  async status({ params, route }: HttpContext) {
    const kind = route?.pattern.includes('/imports/') ? 'import' : 'export'
    return { data: await this.#view(await this.#find(params, kind)) }
  }

  async download({ params, response }: HttpContext) {
    const run = await this.#find(params, 'export')
    if (run.status !== 'succeeded') throw new ConflictException('The export is not finished yet')
    response.header(
      'Content-Type',
      run.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8'
    )
    response.header('Content-Disposition', `attachment; filename="menu.${run.format}"`)
    return response.send(run.output ?? '', false)
  }

  async #find(params: Record<string, unknown>, kind: 'import' | 'export') {
    const id = await pathId(params, 'Job')
    const run = await MenuBulkJob.forTenant().where('id', id).where('kind', kind).first()
    if (!run) throw new NotFoundException('Job not found')
    return run
  }

  async #view(run: MenuBulkJob) {
    await run.refresh()
    return run.serialize()
  }
}
