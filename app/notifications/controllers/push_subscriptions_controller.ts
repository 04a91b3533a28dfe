import type { HttpContext } from '@adonisjs/core/http'
import { ConflictException, NotFoundException } from '#core/exceptions/http_errors'
import { requireTenant, tenantDb } from '#tenancy/index'
import { notificationsConfig } from '#notifications/notifications_config'
import { pathId } from '#core/http/path_id'
import { pushSubscriptionValidator } from '#notifications/validators/settings_validators'

/**
 * Staff browsers subscribe to Web Push; the public VAPID key is what their service worker needs. A
 * subscription belongs to the staff member who made it: only they can renew its keys or remove it.
 */
export default class PushSubscriptionsController {
  async publicKey() {
    return { data: { publicKey: notificationsConfig.vapid()?.publicKey ?? null } }
  }

  async store({ request, response, actor }: HttpContext) {
    const input = await request.validateUsing(pushSubscriptionValidator)
    const tenant = requireTenant()
    // Re-subscribing the same endpoint renews its keys, but only for its owner: the row never changes hands.
    const result = await tenantDb('write').rawQuery(
      `INSERT INTO push_subscriptions (merchant_id, shard_id, user_id, endpoint, p256dh, auth) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (merchant_id, endpoint) DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth
         WHERE push_subscriptions.user_id = EXCLUDED.user_id
       RETURNING id, endpoint, created_at`,
      [
        tenant.merchantId,
        tenant.shardId,
        actor!.userId,
        input.endpoint,
        input.keys.p256dh,
        input.keys.auth,
      ] as any[]
    )
    if (result.rows.length === 0) {
      throw new ConflictException(
        'This push endpoint is registered to another staff member; they must remove it first',
        { field: 'endpoint' }
      )
    }
    return response.created({ data: result.rows[0] })
  }

  async destroy({ params, response, actor }: HttpContext) {
    const id = await pathId(params, 'Push subscription')
    const deleted = await tenantDb('write')
      .from('push_subscriptions')
      .where({ id, merchant_id: requireTenant().merchantId, user_id: actor!.userId })
      .delete()
    if (!Number(Array.isArray(deleted) ? deleted[0] : deleted))
      throw new NotFoundException('Push subscription not found')
    return response.noContent()
  }
}
