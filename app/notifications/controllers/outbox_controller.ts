import type { HttpContext } from '@adonisjs/core/http'
import { NotFoundException } from '#core/exceptions/http_errors'
import { requireTenant, tenantDb } from '#tenancy/index'
import { outboxQueryValidator, uuidParamValidator } from '#notifications/validators/settings_validators'

const COLUMNS = [
  'id', 'type', 'event', 'recipient', 'priority', 'status', 'scheduled_for', 'attempts', 'max_attempts',
  'last_error', 'processed_at', 'created_at',
]

/** Staff can see what was sent, what is waiting and what failed (and why). */
export default class OutboxController {
  async index({ request, response }: HttpContext) {
    const input = await outboxQueryValidator.validate(request.qs())
    const query = tenantDb().from('notification_queue').where('merchant_id', requireTenant().merchantId).select(COLUMNS)
    if (input.status) query.where('status', input.status)
    const rows = await query.orderBy('created_at', 'desc').limit(input.limit ?? 50)
    response.header('Cache-Control', 'private, no-store')
    return { data: rows }
  }

  async show({ params, response }: HttpContext) {
    const { id } = await uuidParamValidator.validate(params).catch(() => {
      throw new NotFoundException('Notification not found')
    })
    const row = await tenantDb().from('notification_queue').where({ id, merchant_id: requireTenant().merchantId }).select(COLUMNS).first()
    if (!row) throw new NotFoundException('Notification not found')
    response.header('Cache-Control', 'private, no-store')
    return { data: row }
  }
}
