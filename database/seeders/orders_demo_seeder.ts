import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { serveTenants } from '#providers/tenancy_provider'
import {
  contextFromMerchant,
  merchantDirectory,
  requireTenant,
  runWithTenant,
  tenantDb,
} from '#tenancy/index'

/** Which demo merchants take pickup orders, their opening hours (local) and places per 15-minute slot. */
const SLOTS = [{ slug: 'demo-coffee', opens: '08:00', lastSlot: '17:45', capacity: 6 }]
const DAYS_AHEAD = 7

/**
 * Demo pickup slots (run after demo_seeder): every 15 minutes through opening hours, today and the
 * next days, in the merchant's time zone. Safe to re-run: existing slots are left as they are, and
 * a later run adds the days that have come within reach.
 */
export default class OrdersDemoSeeder extends BaseSeeder {
  async run() {
    await serveTenants()
    for (const shop of SLOTS) {
      const merchant = await merchantDirectory.bySlug(shop.slug)
      if (!merchant || !merchant.modules.includes('orders')) continue
      await runWithTenant(contextFromMerchant(merchant), async () => {
        const tenant = requireTenant()
        await tenantDb('write').rawQuery(
          `INSERT INTO pickup_slots (merchant_id, shard_id, starts_at, ends_at, capacity)
           SELECT ?, ?, s, s + interval '15 minutes', ?
             FROM generate_series(0, ?) AS d,
                  LATERAL generate_series(
                    (((now() AT TIME ZONE ?)::date + d) + ?::time) AT TIME ZONE ?,
                    (((now() AT TIME ZONE ?)::date + d) + ?::time) AT TIME ZONE ?,
                    interval '15 minutes') AS s
           ON CONFLICT (merchant_id, starts_at) DO NOTHING`,
          [
            tenant.merchantId,
            tenant.shardId,
            shop.capacity,
            DAYS_AHEAD - 1,
            tenant.timezone,
            shop.opens,
            tenant.timezone,
            tenant.timezone,
            shop.lastSlot,
            tenant.timezone,
          ]
        )
      })
    }
  }
}
