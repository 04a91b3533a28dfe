import db from '@adonisjs/lucid/services/db'
import { getActor } from '#core/database/actor_context'

/**
 * Audit entries the trigger cannot see: reads of personal data by support staff (exports) and
 * operations as a whole (an erasure), written with the current actor and the reason given.
 */
export async function recordAudit(entry: {
  action: string
  resourceType: string
  resourceId?: string | null
  merchantId?: string | null
  details?: Record<string, unknown>
  reason: string
}) {
  const actor = getActor()
  await db
    .connection('control')
    .table('audit_log')
    .insert({
      merchant_id: entry.merchantId ?? null,
      actor_id: actor?.id ?? null,
      actor_type: actor?.type ?? 'system',
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId ?? null,
      new_values: entry.details ? JSON.stringify(entry.details) : null,
      reason: entry.reason,
      request_id: actor?.requestId ?? null,
      ip_address: actor?.ip || null,
      user_agent: actor?.userAgent ?? null,
    })
}
