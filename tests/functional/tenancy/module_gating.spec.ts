import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import { createMerchant, login } from '#tests/support/merchants'
import { moduleAccess } from '#tenancy/services/module_access_service'
import { featureFlags } from '#tenancy/services/feature_flags'
import ModulesEnable from '#commands/tenancy/modules_enable'
import ModulesDisable from '#commands/tenancy/modules_disable'
import ModulesList from '#commands/tenancy/modules_list'
import { expectStatus } from '#tests/support/http'

test.group('module gating by tier and override', () => {
  test('a tier that has the module reaches its routes; one without gets 404 E_MODULE_DISABLED', async ({
    client,
    assert,
  }) => {
    const pre = await createMerchant({ tier: 'pre_ordering' })
    const digital = await createMerchant({ tier: 'digital_menu' })
    const allowed = await client.get('/api/v1/loyalty/ping').header('X-Merchant', pre.merchant.slug)
    allowed.assertStatus(200)
    assert.equal(allowed.body().merchant_id, pre.merchant.id)
    const refused = await client
      .get('/api/v1/loyalty/ping')
      .header('X-Merchant', digital.merchant.slug)
    refused.assertStatus(404)
    assert.equal(refused.body().errors[0].code, 'E_MODULE_DISABLED')
    assert.notInclude(refused.body().errors[0].message, 'tier')
  })

  test("the merchant's own staff get 403 and are told why", async ({ client, assert }) => {
    const digital = await createMerchant({ tier: 'digital_menu' })
    const token = await login(client, digital.email)
    const response = await client.get('/api/v1/loyalty/ping').bearerToken(token)
    response.assertStatus(403)
    assert.equal(response.body().errors[0].code, 'E_MODULE_DISABLED')
    assert.include(response.body().errors[0].message, 'digital_menu')
  })

  test('a per-merchant override enables and disables a module, visible on the next request', async ({
    client,
  }) => {
    const digital = await createMerchant({ tier: 'digital_menu' })
    await moduleAccess.enable(digital.merchant.slug, 'loyalty')
    await expectStatus(
      client.get('/api/v1/loyalty/ping').header('X-Merchant', digital.merchant.slug),
      200
    )
    await moduleAccess.disable(digital.merchant.id, 'loyalty')
    await expectStatus(
      client.get('/api/v1/loyalty/ping').header('X-Merchant', digital.merchant.slug),
      404
    )
  })

  test('a module cannot be disabled while an enabled module depends on it, nor enabled without its dependency', async ({
    assert,
  }) => {
    const full = await createMerchant({ tier: 'full_suite' })
    await assert.rejects(
      () => moduleAccess.disable(full.merchant.slug, 'loyalty'),
      /loyalty_reports/
    )
    await moduleAccess.disable(full.merchant.slug, 'loyalty_reports')
    await moduleAccess.disable(full.merchant.slug, 'loyalty')
    await assert.rejects(
      () => moduleAccess.enable(full.merchant.slug, 'loyalty_reports'),
      /needs "loyalty"/
    )
    await assert.rejects(
      () => moduleAccess.enable(full.merchant.slug, 'no_such_module'),
      /Unknown module/
    )
    await assert.rejects(() => moduleAccess.disable(full.merchant.slug, 'tenancy'), /core module/)
  })

  test('the statsig kill switch turns a module off for everyone', async ({ client }) => {
    const pre = await createMerchant({ tier: 'pre_ordering' })
    featureFlags.override('kill_module_loyalty', true)
    try {
      await expectStatus(
        client.get('/api/v1/loyalty/ping').header('X-Merchant', pre.merchant.slug),
        404
      )
    } finally {
      featureFlags.override('kill_module_loyalty', false)
    }
    await expectStatus(
      client.get('/api/v1/loyalty/ping').header('X-Merchant', pre.merchant.slug),
      200
    )
  })

  test('ace modules:enable / modules:disable / modules:list act on a merchant by slug or id', async ({
    client,
    assert,
  }) => {
    const digital = await createMerchant({ tier: 'digital_menu' })
    const enable = await ace.create(ModulesEnable, [digital.merchant.slug, 'loyalty'])
    await enable.exec()
    assert.equal(enable.exitCode, 0)
    await expectStatus(
      client.get('/api/v1/loyalty/ping').header('X-Merchant', digital.merchant.slug),
      200
    )

    const list = await ace.create(ModulesList, [digital.merchant.id])
    list.ui.switchMode('raw')
    await list.exec()
    assert.equal(list.exitCode, 0)
    assert.isTrue(
      list.ui.logger.getLogs().some((log) => log.message.includes('loyalty|yes|override'))
    )

    await moduleAccess.enable(digital.merchant.slug, 'loyalty_reports')
    const refused = await ace.create(ModulesDisable, [digital.merchant.slug, 'loyalty'])
    refused.ui.switchMode('raw')
    await refused.exec()
    assert.equal(refused.exitCode, 1)
    assert.isTrue(
      refused.ui.logger.getLogs().some((log) => log.message.includes('loyalty_reports'))
    )

    const unknown = await ace.create(ModulesEnable, ['no-such-merchant', 'loyalty'])
    unknown.ui.switchMode('raw')
    await unknown.exec()
    assert.equal(unknown.exitCode, 1)
  })
})
