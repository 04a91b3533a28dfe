import type { HttpContext } from '@adonisjs/core/http'
import { auditListValidator } from '#compliance/validators/compliance_validators'
import { decodeCursor, listMerchantAudit } from '#compliance/services/audit_log_service'
import { BadRequestException } from '#core/exceptions/http_errors'

/** Owners read their own merchant's audit trail (cursor-paginated, filterable). */
export default class AuditLogController {
  async index({ request, tenant, response }: HttpContext) {
    const {
      per_page: perPage,
      resource_type: resourceType,
      actor_id: actorId,
      ...input
    } = await request.validateUsing(auditListValidator, {
      data: request.qs(),
    })
    const cursor = input.cursor ? decodeCursor(input.cursor) : null
    if (input.cursor && !cursor)
      throw new BadRequestException('Invalid cursor', { field: 'cursor' })
    response.header('Cache-Control', 'private, no-store')
    return listMerchantAudit(
      tenant!.merchantId,
      { ...input, resourceType, actorId },
      perPage ?? 50,
      cursor
    )
  }
}
