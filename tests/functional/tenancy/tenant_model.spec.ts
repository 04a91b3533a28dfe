import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { createMerchant } from '#tests/support/merchants'
import { contextFromMerchant, runWithTenant } from '#tenancy/context/tenant_context'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { TenantModel } from '#tenancy/models/tenant_model'
import Location from '#tenancy/models/location'
import MenuBulkJob from '#menu/models/menu_bulk_job'
import MenuCategory from '#menu/models/menu_category'
import MenuItem from '#menu/models/menu_item'
import ModifierGroup from '#menu/models/modifier_group'
import ModifierOption from '#menu/models/modifier_option'

const MODELS = [Location, MenuBulkJob, MenuCategory, MenuItem, ModifierGroup, ModifierOption]

/** The columns every tenant table has, declared once on TenantModel. */
const SHARED = {
  id: { columnName: 'id', serializeAs: 'id', isPrimary: true },
  merchantId: { columnName: 'merchant_id', serializeAs: 'merchantId', isPrimary: false },
  shardId: { columnName: 'shard_id', serializeAs: null, isPrimary: false },
  createdAt: { columnName: 'created_at', serializeAs: 'createdAt', isPrimary: false },
  updatedAt: { columnName: 'updated_at', serializeAs: 'updatedAt', isPrimary: false },
}

test.group('TenantModel: the shared columns', () => {
  test('every tenant model inherits them with their options and keeps its own columns', ({
    assert,
  }) => {
    for (const Model of MODELS) {
      assert.equal(Model.primaryKey, 'id', Model.name)
      for (const [attribute, expected] of Object.entries(SHARED)) {
        const column = Model.$getColumn(attribute)
        assert.exists(column, `${Model.name}.${attribute}`)
        assert.include(column!, expected, `${Model.name}.${attribute}`)
      }
      assert.include(Model.$getColumn('createdAt')!.meta, { autoCreate: true, autoUpdate: false })
      assert.include(Model.$getColumn('updatedAt')!.meta, { autoCreate: true, autoUpdate: true })
      assert.isAbove(Model.$columnsDefinitions.size, Object.keys(SHARED).length, Model.name)
    }
    // The subclasses' own columns stay theirs.
    assert.deepEqual([...TenantModel.$columnsDefinitions.keys()], Object.keys(SHARED))
    assert.isTrue(Location.$hasColumn('timezone'))
    assert.isFalse(MenuItem.$hasColumn('timezone'))
  })

  test('a saved row gets its timestamps, serialises without shard_id, and reads back', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const snapshot = (await merchantDirectory.byId(merchant.id))!
    await runWithTenant(contextFromMerchant(snapshot), async () => {
      const location = await Location.create({
        merchantId: merchant.id,
        shardId: merchant.shardId,
        name: 'Kiosk',
        timezone: 'Europe/Rome',
      })
      assert.isString(location.id)
      assert.isTrue(DateTime.isDateTime(location.createdAt))
      assert.isTrue(DateTime.isDateTime(location.updatedAt))
      const serialized = location.serialize()
      assert.notProperty(serialized, 'shardId')
      assert.include(serialized, { id: location.id, merchantId: merchant.id, name: 'Kiosk' })

      const createdAt = location.createdAt
      location.updatedAt = DateTime.fromISO('2000-01-01T00:00:00Z')
      location.name = 'Kiosk 2'
      await location.save()
      assert.isAbove(location.updatedAt.year, 2000)

      const found = await Location.forTenant().where('id', location.id).firstOrFail()
      assert.equal(found.shardId, merchant.shardId)
      assert.equal(found.createdAt.toMillis(), createdAt.toMillis())
      assert.equal(found.name, 'Kiosk 2')
    })
  })
})
