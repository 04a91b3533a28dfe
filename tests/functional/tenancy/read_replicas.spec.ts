import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import pg from 'pg'
import env from '#start/env'
import { shardNodes } from '#config/database'
import { ShardRouter } from '#tenancy/sharding/shard_router'
import { runWithTenant, contextFromMerchant } from '#tenancy/context/tenant_context'
import { ensureDatabases } from '#core/database/ensure_databases'
import { withDatabaseName, databaseName } from '#tenancy/sharding/node_urls'

/**
 * A node with a read replica that never catches up (a separate, empty database): reads that reach
 * the replica see nothing, so the test can tell where each read went.
 */
test.group('read replicas and read-your-writes', (group) => {
  const replicaUrl = withDatabaseName(
    env.get('DATABASE_URL'),
    `${databaseName(env.get('DATABASE_URL'))}_replica`
  )
  const primaryUrl = shardNodes[1].url
  const router = new ShardRouter(16, ['replicated'])

  group.setup(async () => {
    await ensureDatabases([replicaUrl])
    db.manager.add('replicated', {
      client: 'pg',
      connection: { connectionString: primaryUrl },
      replicas: {
        write: { connection: { connectionString: primaryUrl } },
        read: { connection: [{ connectionString: replicaUrl }] },
      },
    })
    await db
      .connection('replicated', { mode: 'read' })
      .rawQuery(
        'CREATE TABLE IF NOT EXISTS locations (id uuid PRIMARY KEY, merchant_id uuid, shard_id int, name text)'
      )
    router.apply(
      Array.from({ length: 16 }, (_, shard) => ({ shard_id: shard, connection_name: 'replicated' }))
    )
    return async () => {
      await db.manager.close('replicated')
      db.manager.release('replicated')
    }
  })

  function tenant() {
    const merchantId = randomUUID()
    return contextFromMerchant({
      id: merchantId,
      slug: 'replica-test',
      tier: 'digital_menu',
      modules: [],
      shardId: router.shardFor(merchantId),
      brandId: null,
      locationId: null,
      timezone: 'UTC',
    })
  }

  test('reads go to the replica until this unit of work writes; then they go to the primary', async ({
    assert,
  }) => {
    const context = tenant()
    const id = randomUUID()
    await runWithTenant(context, async () => {
      assert.lengthOf(await router.client().from('locations').where('id', id), 0)
      await router
        .client('write')
        .table('locations')
        .insert({ id, merchant_id: context.merchantId, name: 'fresh' })
      const afterWrite = await router.client().from('locations').where('id', id)
      assert.lengthOf(afterWrite, 1, 'read-your-writes: the primary answers after a write')
    })
    // A new unit of work that has not written reads from the (lagging) replica.
    await runWithTenant({ ...context, wroteTo: new Set() }, async () => {
      assert.lengthOf(await router.client().from('locations').where('id', id), 0)
    })
    assert.lengthOf(
      await db.connection('replicated', { mode: 'write' }).from('locations').where('id', id),
      1
    )
  })

  test('readRows routes like the query client: the replica, then the primary once this unit wrote', async ({
    assert,
  }) => {
    const context = tenant()
    const id = randomUUID()
    const read = () =>
      router.readRows<{ id: string; name: string }>(
        'SELECT id, name FROM locations WHERE merchant_id = $1 AND id = $2',
        [context.merchantId, id]
      )
    await runWithTenant(context, async () => {
      await db
        .connection('replicated', { mode: 'write' })
        .table('locations')
        .insert({ id, merchant_id: context.merchantId, name: 'written elsewhere' })
      assert.deepEqual(await read(), [], 'a unit of work that has not written reads the replica')
      await router.client('write').from('locations').where('id', id).update({ name: 'renamed' })
      assert.deepEqual(await read(), [{ id, name: 'renamed' }])
    })
    await runWithTenant({ ...context, wroteTo: new Set() }, async () => {
      assert.deepEqual(await read(), [])
    })
  })

  test('readRows prepares a statement once per connection; DB_PREPARED_STATEMENTS=false parses every run', async ({
    assert,
    cleanup,
  }) => {
    // Parse messages the driver sends: one per run for an unnamed statement, one per connection for a
    // prepared one.
    const connection = (pg as any).Connection.prototype
    const parse = connection.parse
    let parsed = 0
    connection.parse = function (this: unknown, ...args: unknown[]) {
      parsed++
      return parse.apply(this, args)
    }
    cleanup(() => {
      connection.parse = parse
      env.set('DB_PREPARED_STATEMENTS', true)
    })
    const context = tenant()
    const runs = 30
    const readTimes = async (marker: string) => {
      parsed = 0
      await runWithTenant(context, async () => {
        for (let run = 0; run < runs; run++) {
          const rows = await router.readRows<{ n: number }>(
            `SELECT count(*)::int AS n FROM locations WHERE merchant_id = $1 /* ${marker} */`,
            [context.merchantId]
          )
          assert.deepEqual(rows, [{ n: 0 }])
        }
      })
      return parsed
    }
    const prepared = await readTimes(randomUUID())
    assert.isAtLeast(prepared, 1)
    assert.isAtMost(prepared, 10, 'at most once per pooled connection (the pool holds at most 10)')
    env.set('DB_PREPARED_STATEMENTS', false)
    assert.equal(await readTimes(randomUUID()), runs, 'unnamed: parsed on every run')
  })

  test('a transaction also marks the node, so later reads see its rows', async ({ assert }) => {
    const context = tenant()
    const id = randomUUID()
    await runWithTenant(context, async () => {
      await router.transaction((trx) =>
        trx.table('locations').insert({ id, merchant_id: context.merchantId, name: 'trx' })
      )
      assert.lengthOf(await router.client().from('locations').where('id', id), 1)
    })
  })
})
