import { requireTenant, tenantDb } from '#tenancy/index'

/** Minutes a pending order waits for the shop before it is rejected for it (bounds: the table's CHECK). */
export const PENDING_TIMEOUT_MINUTES = { default: 10, min: 2, max: 240 } as const

export type OrderSettings = { pendingTimeoutMinutes: number; updatedAt: Date | null }

/** The current merchant's ordering settings; a merchant without a row has the defaults. */
export class OrderSettingsService {
  async get(): Promise<OrderSettings> {
    const row = await tenantDb('write')
      .from('order_settings')
      .where('merchant_id', requireTenant().merchantId)
      .first()
    return {
      pendingTimeoutMinutes: row?.pending_timeout_minutes ?? PENDING_TIMEOUT_MINUTES.default,
      updatedAt: row?.updated_at ?? null,
    }
  }

  async update(input: { pendingTimeoutMinutes: number }): Promise<OrderSettings> {
    const tenant = requireTenant()
    await tenantDb('write').rawQuery(
      `INSERT INTO order_settings (merchant_id, shard_id, pending_timeout_minutes) VALUES (?, ?, ?)
       ON CONFLICT (merchant_id) DO UPDATE SET pending_timeout_minutes = EXCLUDED.pending_timeout_minutes, updated_at = now()`,
      [tenant.merchantId, tenant.shardId, input.pendingTimeoutMinutes]
    )
    return this.get()
  }
}

export const orderSettings = new OrderSettingsService()
