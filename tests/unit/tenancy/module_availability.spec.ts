import { test } from '@japa/runner'
import { moduleAvailability } from '#tenancy/modules/module_availability'
import { featureFlags } from '#tenancy/services/feature_flags'

const merchant = {
  id: '5b0c8a52-3f7e-4c1a-9d7e-2f4b6a8c0e11',
  tier: 'pre_ordering' as const,
  modules: ['tenancy', 'menu', 'orders'],
}

test.group('moduleAvailability: the one check behind the gate, sockets and the menu edge', () => {
  test('a module the merchant does not have is not enabled, whatever its kill switch says', ({
    assert,
  }) => {
    let asked = false
    const reader = () => (asked = true)
    assert.equal(moduleAvailability('loyalty', merchant, reader), 'not_enabled')
    assert.isFalse(asked)
  })

  test('an enabled module is available unless its kill switch is on; the reader gets the merchant', ({
    assert,
  }) => {
    const asked: Array<[string, string, string]> = []
    const reader = (killed: boolean) => (module: string, m: { id: string; tier: string }) => {
      asked.push([module, m.id, m.tier])
      return killed
    }
    assert.equal(moduleAvailability('orders', merchant, reader(false)), 'available')
    assert.equal(moduleAvailability('orders', merchant, reader(true)), 'killed')
    assert.deepEqual(asked[0], ['orders', merchant.id, 'pre_ordering'])
  })

  test("without a reader it asks statsig's kill_module_<name> gate", ({ assert, cleanup }) => {
    cleanup(() => featureFlags.clearOverride('kill_module_orders'))
    assert.equal(moduleAvailability('orders', merchant), 'available')
    featureFlags.override('kill_module_orders', true)
    assert.equal(moduleAvailability('orders', merchant), 'killed')
    assert.equal(moduleAvailability('menu', merchant), 'available')
  })
})
