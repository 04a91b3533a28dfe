import type { HttpContext } from '@adonisjs/core/http'
import {
  requestListValidator,
  subjectRequestValidator,
} from '#compliance/validators/compliance_validators'
import { gdprExport } from '#compliance/services/gdpr_export_service'
import { gdprErasure } from '#compliance/services/gdpr_erasure_service'
import { gdprRequests, presentRequest } from '#compliance/services/gdpr_requests'
import { exportDocumentJson, requestJson } from '#compliance/services/wire_format'

/**
 * Support staff's GDPR operations (the `gudbro` CLI calls these). The same services back the ace
 * commands; each operation records a request and an audit entry naming the support user and reason.
 */
export default class AdminGdprController {
  async export({ request, response }: HttpContext) {
    const input = await request.validateUsing(subjectRequestValidator)
    const { document } = await gdprExport.export({ ...input, via: 'api' })
    response.header('Cache-Control', 'private, no-store')
    return exportDocumentJson(document)
  }

  async erase({ request, response }: HttpContext) {
    const input = await request.validateUsing(subjectRequestValidator)
    const { receipt } = await gdprErasure.erase({ ...input, via: 'api' })
    return response.created({ data: requestJson(receipt) })
  }

  async requests({ request, response }: HttpContext) {
    const { per_page: perPage, ...filters } = await requestListValidator.validate(request.qs())
    const { rows, page, total } = await gdprRequests.list({ ...filters, perPage })
    response.header('Cache-Control', 'private, no-store')
    return {
      data: rows.map((row) => requestJson(presentRequest(row))),
      meta: { page, per_page: perPage ?? 50, total },
    }
  }
}
