import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { merchantDirectory, runJobInTenant, tenantDb } from '#tenancy/index'
import DemoSeeder from '#database/seeders/demo_seeder'
import OrdersDemoSeeder from '#database/seeders/orders_demo_seeder'

function slotCount(merchantId: string) {
  return runJobInTenant({ merchantId }, async () => {
    const [{ total }] = await tenantDb('write')
      .from('pickup_slots')
      .where('merchant_id', merchantId)
      .count('* as total')
    return Number(total)
  })
}

test.group('Orders: demo pickup slots', () => {
  test('the demo coffee shop gets 15-minute slots for a week, once however often the seeder runs', async ({
    assert,
  }) => {
    await new DemoSeeder(db.connection()).run()
    const coffee = await merchantDirectory.bySlug('demo-coffee')
    assert.exists(coffee)
    await new OrdersDemoSeeder(db.connection()).run()
    const first = await slotCount(coffee!.id)
    await new OrdersDemoSeeder(db.connection()).run()
    // 08:00 to 17:45 local is 40 slots a day; a re-run adds none.
    assert.equal(first, 7 * 40)
    assert.equal(await slotCount(coffee!.id), first)
  })
})
