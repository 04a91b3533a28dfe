import { test } from '@japa/runner'
import { defineModule } from '#tenancy/modules/define_module'
import { ModuleRegistry } from '#tenancy/modules/module_registry'

const noTiers = { digital_menu: [], pre_ordering: [], full_suite: [] }

test.group('defineModule and the module registry', () => {
  test('defineModule names the bad key', ({ assert }) => {
    assert.throws(
      () => defineModule({ name: 'menu', depends: ['x'] } as any),
      /unknown key "depends"/
    )
    assert.throws(() => defineModule({ name: 'Menu' }), /snake_case/)
    assert.throws(
      () => defineModule({ name: 'menu', routes: 'routes.ts' } as any),
      /"routes" must be a lazy import/
    )
    assert.throws(
      () => defineModule({ name: 'menu', platformRoutes: 'platform_routes.ts' } as any),
      /"platformRoutes" must be a lazy import/
    )
    assert.throws(
      () => defineModule({ name: 'menu', dependsOn: ['menu'] }),
      /names the module itself/
    )
  })

  test('orders modules so that dependencies come first', ({ assert }) => {
    const registry = new ModuleRegistry(
      [
        defineModule({ name: 'orders', dependsOn: ['menu', 'notifications'] }),
        defineModule({ name: 'notifications' }),
        defineModule({ name: 'menu' }),
        defineModule({ name: 'analytics', dependsOn: ['orders'] }),
      ],
      noTiers
    )
    const order = registry.ordered().map((m) => m.name)
    assert.isBelow(order.indexOf('menu'), order.indexOf('orders'))
    assert.isBelow(order.indexOf('notifications'), order.indexOf('orders'))
    assert.isBelow(order.indexOf('orders'), order.indexOf('analytics'))
  })

  test('refuses cycles, naming them, and unknown dependencies or tier entries', ({ assert }) => {
    assert.throws(
      () =>
        new ModuleRegistry(
          [
            defineModule({ name: 'a', dependsOn: ['b'] }),
            defineModule({ name: 'b', dependsOn: ['a'] }),
          ],
          noTiers
        ),
      /cycle: a -> b -> a/
    )
    assert.throws(
      () => new ModuleRegistry([defineModule({ name: 'a', dependsOn: ['ghost'] })], noTiers),
      /unknown module "ghost"/
    )
    assert.throws(
      () => new ModuleRegistry([defineModule({ name: 'a' })], { ...noTiers, full_suite: ['b'] }),
      /Tier "full_suite" names unknown module "b"/
    )
    assert.throws(
      () => new ModuleRegistry([defineModule({ name: 'a' }), defineModule({ name: 'a' })], noTiers),
      /registered twice/
    )
  })

  test('enabled modules: core + tier + overrides, and nothing whose dependency is off', ({
    assert,
  }) => {
    const registry = new ModuleRegistry(
      [
        defineModule({ name: 'core_mod', core: true }),
        defineModule({ name: 'menu' }),
        defineModule({ name: 'orders', dependsOn: ['menu'] }),
        defineModule({ name: 'extras' }),
      ],
      {
        digital_menu: ['menu'],
        pre_ordering: ['menu', 'orders'],
        full_suite: ['menu', 'orders', 'extras'],
      }
    )
    assert.sameMembers(registry.enabledModules('digital_menu', []), ['core_mod', 'menu'])
    assert.sameMembers(registry.enabledModules('pre_ordering', []), ['core_mod', 'menu', 'orders'])
    assert.sameMembers(
      registry.enabledModules('digital_menu', [{ module: 'extras', enabled: true }]),
      ['core_mod', 'menu', 'extras']
    )
    assert.sameMembers(
      registry.enabledModules('pre_ordering', [{ module: 'menu', enabled: false }]),
      ['core_mod']
    )
    assert.sameMembers(registry.enabledDependents('menu', ['menu', 'orders']), ['orders'])
  })
})
