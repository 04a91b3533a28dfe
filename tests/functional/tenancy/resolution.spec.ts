import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { createMerchant, login } from '#tests/support/merchants'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { expectStatus } from '#tests/support/http'

test.group('tenant resolution', () => {
  test('X-Merchant header (slug or id) resolves the merchant for anonymous callers', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const bySlug = await client.get('/api/v1/tenancy/merchant').header('X-Merchant', merchant.slug)
    bySlug.assertStatus(200)
    assert.equal(bySlug.body().data.id, merchant.id)
    const byId = await client.get('/api/v1/tenancy/merchant').header('X-Merchant', merchant.id)
    assert.equal(byId.body().data.slug, merchant.slug)
  })

  test('the subdomain resolves the merchant when nothing else names one', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const response = await client
      .get('/api/v1/tenancy/merchant')
      .header('Host', `${merchant.slug}.gudbro.test`)
    response.assertStatus(200)
    assert.equal(response.body().data.id, merchant.id)
  })

  test('the header wins over the subdomain; the staff token wins over both', async ({
    client,
    assert,
  }) => {
    const a = await createMerchant()
    const b = await createMerchant()
    const headerWins = await client
      .get('/api/v1/tenancy/merchant')
      .header('Host', `${a.merchant.slug}.gudbro.test`)
      .header('X-Merchant', b.merchant.slug)
    assert.equal(headerWins.body().data.id, b.merchant.id)
    const token = await login(client, a.email)
    const tokenWins = await client
      .get('/api/v1/tenancy/merchant')
      .bearerToken(token)
      .header('Host', `${b.merchant.slug}.gudbro.test`)
    assert.equal(tokenWins.body().data.id, a.merchant.id)
  })

  test('a staff token of merchant A naming merchant B is 403, not a switch', async ({
    client,
    assert,
  }) => {
    const a = await createMerchant()
    const b = await createMerchant()
    const token = await login(client, a.email)
    const response = await client
      .get('/api/v1/tenancy/locations')
      .bearerToken(token)
      .header('X-Merchant', b.merchant.slug)
    response.assertStatus(403)
    assert.equal(response.body().errors[0].code, 'E_MERCHANT_MISMATCH')
    const same = await client
      .get('/api/v1/tenancy/locations')
      .bearerToken(token)
      .header('X-Merchant', a.merchant.id)
    same.assertStatus(200)
  })

  test('an unknown merchant is 404; no merchant on a tenant route is 400', async ({ client }) => {
    const unknown = await client
      .get('/api/v1/tenancy/merchant')
      .header('X-Merchant', 'no-such-shop')
    unknown.assertStatus(404)
    unknown.assertBodyContains({ errors: [{ code: 'E_MERCHANT_NOT_FOUND' }] })
    const none = await client.get('/api/v1/tenancy/merchant')
    none.assertStatus(400)
    none.assertBodyContains({ errors: [{ code: 'E_MERCHANT_REQUIRED' }] })
  })

  test('a suspended merchant answers 403 E_MERCHANT_SUSPENDED, at once after the change', async ({
    client,
  }) => {
    const { merchant, email } = await createMerchant()
    const token = await login(client, email)
    await expectStatus(
      client.get('/api/v1/tenancy/merchant').header('X-Merchant', merchant.slug),
      200
    )
    await db
      .connection('control')
      .from('merchants')
      .where('id', merchant.id)
      .update({ status: 'suspended' })
    await merchantDirectory.invalidate(merchant)
    const publicCall = await client
      .get('/api/v1/tenancy/merchant')
      .header('X-Merchant', merchant.slug)
    publicCall.assertStatus(403)
    publicCall.assertBodyContains({ errors: [{ code: 'E_MERCHANT_SUSPENDED' }] })
    await expectStatus(client.get('/api/v1/tenancy/locations').bearerToken(token), 403)
  })

  test('the snapshot is cached in Redis under merchant:<id>:v<N>:config; a change moves to a new version', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const version = async () => Number((await redis.get(`merchant:${merchant.id}:version`)) ?? 0)
    await merchantDirectory.bySlug(merchant.slug)
    const key = `merchant:${merchant.id}:v${await version()}:config`
    assert.equal(JSON.parse((await redis.get(key))!).v.slug, merchant.slug)
    assert.isAbove(await redis.ttl(key), 3500)

    const before = await version()
    await merchantDirectory.invalidate(merchant)
    assert.equal(await version(), before + 1)
    const lookup = await merchantDirectory.cache.get(merchant.id, 'config', async () => null)
    assert.equal(lookup.outcome, 'MISS')
  })

  test('a load already running when the merchant changes cannot put the old snapshot back', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    await merchantDirectory.invalidate(merchant) // nothing cached: the next read loads
    const control = db.connection('control')
    // Holds the directory's load between its two statements: merchant row read, overrides blocked.
    const blocker = await control.transaction()
    try {
      await blocker.rawQuery('LOCK TABLE merchant_module_overrides IN ACCESS EXCLUSIVE MODE')
      const racing = merchantDirectory.byId(merchant.id)
      for (let i = 0; i < 500 && !(await loadIsWaitingOnLock()); i++)
        await new Promise((r) => setTimeout(r, 10))
      await control
        .from('merchants')
        .where('id', merchant.id)
        .update({ name: 'Renamed while loading' })
      await merchantDirectory.invalidate(merchant)
      await blocker.commit()
      assert.notEqual((await racing)!.name, 'Renamed while loading') // it read the row before the change
    } finally {
      if (!blocker.isCompleted) await blocker.rollback()
    }
    assert.equal((await merchantDirectory.byId(merchant.id))!.name, 'Renamed while loading')
    assert.equal((await merchantDirectory.bySlug(merchant.slug))!.name, 'Renamed while loading')
    assert.equal(merchantDirectory.peekBySlug(merchant.slug)?.name, 'Renamed while loading')
  })
})

async function loadIsWaitingOnLock() {
  const result = await db
    .connection('control')
    .rawQuery(
      `select count(*)::int as waiting from pg_locks where not granted and relation = 'merchant_module_overrides'::regclass`
    )
  return result.rows[0].waiting > 0
}
