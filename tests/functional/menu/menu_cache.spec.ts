import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import type { PostgreConfig } from '@adonisjs/lucid/types/database'
import { SwrCache } from '#core/cache/swr_cache'
import { contextFromMerchant, runWithTenant } from '#tenancy/context/tenant_context'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { shardRouter } from '#tenancy/services/shards'
import { publicMenus } from '#menu/services/public_menu'
import { buildCoffeeMenu, countShardQueries } from './menu_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'
import { expectStatus, scrapeMetrics } from '#tests/support/http'

const NO_FILTERS = { dietary: [], excludeAllergens: [] }
const MINUTE = 60_000

/** Ages every cached entry by moving the cache's clock, instead of waiting. */
function advanceClock(cache: SwrCache, ms: number) {
  cache.now = () => Date.now() + ms
  return () => (cache.now = () => Date.now())
}

/** Points every shard node at a closed port: PostgreSQL is unreachable for the shard data. */
function takeShardsDown() {
  const saved = shardRouter.nodes().map((name) => [name, db.manager.get(name)!.config] as const)
  for (const [name, config] of saved) {
    db.manager.patch(name, {
      ...(config as PostgreConfig),
      connection: { connectionString: 'postgres://postgres@127.0.0.1:1/unreachable' },
    })
  }
  return () => {
    for (const [name, config] of saved) db.manager.patch(name, config)
  }
}

test.group('menu / cache layer', () => {
  test('1000 concurrent cold reads cause one database load in this process', async ({
    client,
    assert,
  }) => {
    const { token, merchant } = await createMerchantWithToken()
    await buildCoffeeMenu(client, token)
    const snapshot = (await merchantDirectory.byId(merchant.id))!
    const { result, statements } = await countShardQueries(merchant.shardId, () =>
      runWithTenant(contextFromMerchant(snapshot), () =>
        Promise.all(Array.from({ length: 1000 }, () => publicMenus.read(snapshot, NO_FILTERS)))
      )
    )
    assert.lengthOf(statements, 1)
    assert.lengthOf(new Set(result.map((read) => read.rendered.etag)), 1)
    assert.equal(result.filter((read) => read.outcome === 'MISS').length, 1000)
  })

  test('two processes racing on a cold key load it once (Redis lock), the other waits for it', async ({
    assert,
  }) => {
    const options = {
      name: `race-${Date.now()}`,
      ttlSeconds: 300,
      staleWhileRevalidateSeconds: 600,
      staleIfErrorSeconds: 3600,
      memoryTtlMs: 5000,
      memoryMax: 10,
    }
    const processA = new SwrCache(redis.connection('main'), options)
    const processB = new SwrCache(redis.connection('main'), options)
    let loads = 0
    const loader = async () => {
      loads++
      const result = await db.connection('control').rawQuery('select pg_sleep(0.1), 42 as answer')
      return result.rows[0].answer as number
    }
    const reads = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => (i % 2 ? processA : processB).get('ns', 'key', loader))
    )
    assert.equal(loads, 1)
    assert.isTrue(reads.every((read) => read.value === 42))
    assert.sameMembers([...new Set(reads.map((read) => read.outcome))], ['MISS', 'HIT-REDIS'])
  })

  test('a version bump in one process reaches the memory tier of another (pub/sub), past unreadable messages', async ({
    assert,
  }) => {
    const options = {
      name: `bump-${Date.now()}`,
      ttlSeconds: 300,
      staleWhileRevalidateSeconds: 600,
      staleIfErrorSeconds: 3600,
      memoryTtlMs: 60_000,
      memoryMax: 10,
    }
    const writer = new SwrCache(redis.connection('main'), options)
    const reader = new SwrCache(redis.connection('main'), options)
    await reader.listen()
    let value = 'old'
    const loader = async () => value
    await writer.get('m1', 'menu', loader)
    assert.deepEqual(await reader.get('m1', 'menu', loader), { value: 'old', outcome: 'HIT-REDIS' })
    assert.equal(reader.peek('m1', 'menu'), 'old')

    value = 'new'
    // A message the reader cannot read is dropped without ending the process.
    await redis.publish(`cache:${options.name}:versions`, 'not json')
    await redis.publish(`cache:${options.name}:versions`, JSON.stringify([1, 2]))
    await writer.bump('m1')
    for (let i = 0; i < 100 && reader.peek('m1', 'menu') !== undefined; i++)
      await new Promise((r) => setTimeout(r, 10))
    assert.isUndefined(reader.peek('m1', 'menu'))
    assert.deepEqual(await reader.get('m1', 'menu', loader), { value: 'new', outcome: 'MISS' })
  })

  test('serves stale while one background refresh runs, then the fresh copy', async ({
    assert,
  }) => {
    const cache = new SwrCache(redis.connection('main'), {
      name: `swr-${Date.now()}`,
      ttlSeconds: 300,
      staleWhileRevalidateSeconds: 600,
      staleIfErrorSeconds: 3600,
      memoryTtlMs: 5000,
      memoryMax: 10,
    })
    let version = 1
    let loads = 0
    const loader = async () => {
      loads++
      return version
    }
    const first = await cache.get('ns', 'k', loader)
    assert.equal(first.outcome, 'MISS')
    version = 2
    const restore = advanceClock(cache, 6 * MINUTE)
    const stale = await Promise.all([cache.get('ns', 'k', loader), cache.get('ns', 'k', loader)])
    assert.deepEqual(
      stale.map((read) => [read.outcome, read.value]),
      [
        ['STALE', 1],
        ['STALE', 1],
      ]
    )
    await cache.settled()
    assert.equal(loads, 2)
    assert.deepEqual(await cache.get('ns', 'k', loader), { value: 2, outcome: 'HIT-MEMORY' })
    restore()
  })

  test('serves the stale menu while PostgreSQL is unreachable, 503 when there is no copy', async ({
    client,
    assert,
  }) => {
    const { token, merchant } = await createMerchantWithToken()
    const cold = await createMerchantWithToken()
    await buildCoffeeMenu(client, token)
    const warm = await client.get(`/api/v1/menus/${merchant.slug}`)
    assert.equal(warm.header('x-cache'), 'MISS')

    const restoreClock = advanceClock(publicMenus.cache, 20 * MINUTE) // past fresh + stale-while-revalidate
    const bringBack = takeShardsDown()
    try {
      const down = await client.get(`/api/v1/menus/${merchant.slug}`)
      down.assertStatus(200)
      assert.equal(down.header('x-cache'), 'STALE')
      assert.deepEqual(down.body(), warm.body())
      assert.equal(down.header('etag'), warm.header('etag'))

      const nothing = await client.get(`/api/v1/menus/${cold.merchant.slug}`)
      nothing.assertStatus(503)
      assert.equal(nothing.body().errors[0].code, 'E_MENU_UNAVAILABLE')
    } finally {
      bringBack()
      restoreClock()
    }
    await expectStatus(client.get(`/api/v1/menus/${cold.merchant.slug}`), 200)
  })

  test('one metric family counts lookups of every cache by tier and outcome', async ({
    client,
    assert,
  }) => {
    const { token, merchant } = await createMerchantWithToken()
    await buildCoffeeMenu(client, token)
    await client.get(`/api/v1/menus/${merchant.slug}`)
    await client.get(`/api/v1/menus/${merchant.slug}`)
    const text = await scrapeMetrics(client)
    assert.match(text, /cache_lookups_total\{cache="menu",tier="memory",outcome="hit"[^}]*\} [1-9]/)
    assert.match(text, /cache_lookups_total\{cache="menu",tier="redis",outcome="miss"[^}]*\} [1-9]/)
    assert.match(
      text,
      /cache_lookups_total\{cache="merchant",tier="memory",outcome="hit"[^}]*\} [1-9]/
    )
    assert.match(text, /cache_origin_loads_total\{cache="menu",result="ok"[^}]*\} [1-9]/)
    const lookupFamilies = new Set(text.match(/^cache_\w*lookups\w*(?=\{)/gm))
    assert.deepEqual([...lookupFamilies], ['cache_lookups_total'])
    const outcomes = new Set(
      [...text.matchAll(/^cache_lookups_total\{[^}]*outcome="(\w+)"/gm)].map((m) => m[1])
    )
    assert.includeMembers(['hit', 'miss', 'stale'], [...outcomes])
  })
})
