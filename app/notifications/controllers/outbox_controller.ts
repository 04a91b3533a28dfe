import type { HttpContext } from '@adonisjs/core/http'
import { ConflictException, NotFoundException } from '#core/exceptions/http_errors'
import { requireTenant, tenantDb } from '#tenancy/index'
import { pathId } from '#core/http/path_id'
import { outboxQueryValidator } from '#notifications/validators/settings_validators'
import { relay } from '#notifications/services/relay'

const COLUMNS = [
  'id',
  'type',
  'event',
  'recipient',
  'priority',
  'status',
  'scheduled_for',
  'attempts',
  'max_attempts',
  'last_error',
  'processed_at',
  'created_at',
]

/** Staff can see what was sent, what is waiting and what failed (and why). */
export default class OutboxController {
  async index({ request, response }: HttpContext) {
    const input = await outboxQueryValidator.validate(request.qs())
    const query = tenantDb()
      .from('notification_queue')
      .where('merchant_id', requireTenant().merchantId)
      .select(COLUMNS)
    if (input.status) query.where('status', input.status)
    const rows = await query.orderBy('created_at', 'desc').limit(input.limit ?? 50)
    response.header('Cache-Control', 'private, no-store')
    return { data: rows }
  }

  async show({ params, response }: HttpContext) {
    const id = await pathId(params, 'Notification')
    const row = await tenantDb()
      .from('notification_queue')
      .where({ id, merchant_id: requireTenant().merchantId })
      .select(COLUMNS)
      .first()
    if (!row) throw new NotFoundException('Notification not found')
    response.header('Cache-Control', 'private, no-store')
    return { data: row }
  }

  /** Sends a failed notification again (after fixing the webhook, say): a fresh set of attempts. */
  async retry({ params, response }: HttpContext) {
    const id = await pathId(params, 'Notification')
    const merchantId = requireTenant().merchantId
    const result = await tenantDb('write').rawQuery(
      `UPDATE notification_queue SET status = 'pending', attempts = 0, processed_at = NULL, scheduled_for = now(), updated_at = now()
        WHERE id = ? AND merchant_id = ? AND status = 'failed'
        RETURNING id, merchant_id, type, priority, scheduled_for, max_attempts, attempts`,
      [id, merchantId]
    )
    const row = result.rows[0]
    if (!row) {
      const exists = await tenantDb()
        .from('notification_queue')
        .where({ id, merchant_id: merchantId })
        .first()
      if (!exists) throw new NotFoundException('Notification not found')
      throw new ConflictException('Only a failed notification can be retried')
    }
    // A fresh job id: the failed job of this row may still be kept by the queue. The job names the
    // attempt it is for, so a worker that saw the row fail does not take it as still final.
    await relay.handOff([{ ...row, attempt: 1 }], 'retry', `-retry-${Date.now()}`)
    return response.accepted({ data: { id: row.id, status: 'pending' } })
  }
}
