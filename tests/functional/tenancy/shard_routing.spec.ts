import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { createMerchant, login, merchantsOnTwoNodes } from '#tests/support/merchants'
import { shardRouter } from '#tenancy/services/shards'
import { onboarding } from '#tenancy/services/onboarding_service'
import { assignShard } from '#tenancy/sharding/shard_hash'
import { expectStatus } from '#tests/support/http'

test.group('shard-aware data routing over two databases', () => {
  test('the 16 shards are spread over two physical databases', async ({ assert }) => {
    const nodes = new Set(shardRouter.snapshot().map((entry) => entry.connection))
    assert.deepEqual([...nodes].sort(), ['node0', 'node1'])
    const names = await Promise.all(
      ['node0', 'node1'].map(async (node) => {
        const { rows } = await db.connection(node).rawQuery('select current_database() as d')
        return rows[0].d
      })
    )
    assert.notEqual(names[0], names[1])
  })

  test("a merchant's shard is computed once from its id and stored on the merchant and its rows", async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    assert.equal(merchant.shardId, assignShard(merchant.id))
    const node = shardRouter.connectionForShard(merchant.shardId)
    const row = await db
      .connection(node)
      .from('locations')
      .where('merchant_id', merchant.id)
      .first()
    assert.equal(row.shard_id, merchant.shardId)
  })

  test("a merchant's rows land and are read only where its shard maps", async ({
    client,
    assert,
  }) => {
    const pair = await merchantsOnTwoNodes()
    const byNode = new Map(
      pair.map((created) => [shardRouter.connectionForShard(created.merchant.shardId), created])
    )
    assert.equal(byNode.size, 2)
    for (const [node, { merchant, email }] of byNode) {
      const other = node === 'node0' ? 'node1' : 'node0'
      const token = await login(client, email)
      const created = await client
        .post('/api/v1/tenancy/locations')
        .bearerToken(token)
        .json({ name: `Kiosk ${node}` })
      created.assertStatus(201)
      const id = created.body().data.id
      const here = await db.connection(node).from('locations').where('id', id)
      assert.equal(here.length, 1)
      const there = await db.connection(other).from('locations').where('merchant_id', merchant.id)
      assert.equal(there.length, 0)
      const listed = await client.get('/api/v1/tenancy/locations').bearerToken(token)
      assert.includeMembers(
        listed.body().data.map((l: { id: string }) => l.id),
        [id]
      )
      assert.isTrue(
        listed.body().data.every((l: { merchant_id: string }) => l.merchant_id === merchant.id)
      )
    }
  })

  test("another tenant's id is a 404, never their data; a malformed id is a 404 too", async ({
    client,
    assert,
  }) => {
    const a = await createMerchant()
    const b = await createMerchant()
    const tokenA = await login(client, a.email)
    const tokenB = await login(client, b.email)
    const bLocations = await client.get('/api/v1/tenancy/locations').bearerToken(tokenB)
    const bLocation = bLocations.body().data[0]
    const response = await client
      .get(`/api/v1/tenancy/locations/${bLocation.id}`)
      .bearerToken(tokenA)
    response.assertStatus(404)
    assert.notInclude(JSON.stringify(response.body()), bLocation.name)
    await expectStatus(client.get('/api/v1/tenancy/locations/not-a-uuid').bearerToken(tokenA), 404)
    await expectStatus(
      client.get(`/api/v1/tenancy/locations/${randomUUID()}`).bearerToken(tokenA),
      404
    )
  })

  test('a row with another shard id than its merchant is refused by the database', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const node = shardRouter.connectionForShard(merchant.shardId)
    await assert.rejects(() =>
      db
        .connection(node)
        .table('locations')
        .insert({ merchant_id: merchant.id, shard_id: (merchant.shardId + 1) % 16, name: 'x' })
    )
  })

  test('staff without the owner/manager role cannot add locations; bad input is 422', async ({
    client,
    assert,
  }) => {
    const { merchant, email } = await createMerchant()
    const token = await login(client, email)
    const bad = await client
      .post('/api/v1/tenancy/locations')
      .bearerToken(token)
      .json({ name: '', timezone: '../etc' })
    bad.assertStatus(422)
    assert.includeMembers(
      bad.body().errors.map((e: { field: string }) => e.field),
      ['name', 'timezone']
    )
    const staffEmail = `staff-${randomUUID().slice(0, 6)}@x.test`
    const { default: User } = await import('#tenancy/models/user')
    const staff = await User.create({ email: staffEmail, password: 'staff-password-1' })
    await db
      .connection('control')
      .table('memberships')
      .insert({ user_id: staff.id, merchant_id: merchant.id, role: 'staff' })
    const staffToken = await login(client, staffEmail, 'staff-password-1')
    await expectStatus(client.get('/api/v1/tenancy/locations').bearerToken(staffToken), 200)
    const refused = await client
      .post('/api/v1/tenancy/locations')
      .bearerToken(staffToken)
      .json({ name: 'Nope' })
    refused.assertStatus(403)
    refused.assertBodyContains({ errors: [{ code: 'E_ROLE_REQUIRED' }] })
  })

  test('onboarding refuses a taken slug with 409', async ({ assert }) => {
    const { merchant } = await createMerchant()
    await assert.rejects(
      () =>
        onboarding.onboard({
          slug: merchant.slug,
          name: 'Dup',
          vertical: 'wellness',
          tier: 'digital_menu',
        }),
      /taken/
    )
  })
})
