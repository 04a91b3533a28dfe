import { test } from '@japa/runner'
import { scrapeMetrics } from '#tests/support/http'
import pg from 'pg'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { nodeUrl, ShardMover, shardRouter, syncRegisteredNodes } from '#tenancy/index'
import { databaseName, withDatabaseName } from '#tenancy/sharding/node_urls'
import {
  leftovers,
  NOTHING_LEFT,
  nodeUrls,
  shardDigests as digests,
} from '#tests/shard_moves/shard_checks'
import { prepareShardMerchant } from '#tests/shard_moves/shard_load'
import { ace } from '#tests/support/child_process'
import { eventually } from '#tests/support/eventually'
import { supportToken } from '#tests/functional/compliance/helpers'
import { freePort } from '../../scripts/provision.js'

const NODE = 'node3'
/** The suite's servers trust loopback and ignore it: it is there to show that no output carries it. */
const PASSWORD = 'Secret-pw-for-node3'

function withPassword(url: string) {
  const parsed = new URL(url)
  parsed.password = PASSWORD
  return parsed.toString()
}

/** A database of its own on node2's server: the server a registered node3 lives on. */
function extraDatabase(node: string, suffix: string) {
  const base = nodeUrl(node)!
  const name = `${databaseName(base)}_${suffix}`
  return { name, base, url: withPassword(withDatabaseName(base, name)) }
}
const EXTRA = extraDatabase('node2', 'extra')
const OTHER = extraDatabase('node1', 'extra2')

async function onServer<T>(base: string, database: string, fn: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: withDatabaseName(base, database) })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function databaseExists(target: { base: string; name: string }) {
  const result = await onServer(target.base, 'postgres', (client) =>
    client.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.name])
  )
  return result.rowCount === 1
}

async function dropDatabase(target: { base: string; name: string }) {
  await onServer(target.base, 'postgres', (client) =>
    client.query(`DROP DATABASE IF EXISTS "${target.name}" WITH (FORCE)`)
  )
}

function registration() {
  return db.connection('control').from('shard_nodes').where('name', NODE).first()
}

async function addNode(name: string, url: string) {
  const result = await ace(['shards:add-node', name, url, '--reason', 'test: a fourth node'])
  return { ...result, output: result.stdout + result.stderr }
}

function mover() {
  return new ShardMover(shardRouter, { nodeUrls, controlUrl: env.get('DATABASE_URL') })
}

/**
 * Leaves the suite's three nodes as the other spec files expect them: whatever node3 holds goes back to
 * node0, its registration goes, this process forgets it, and its databases are dropped.
 */
async function removeNode3() {
  await shardRouter.load()
  const active = await mover().active()
  if (active && (active.source === NODE || active.target === NODE))
    await mover().rollback(active.shard_id)
  for (const shard of shardRouter.shardsOn(NODE)) {
    await mover().move(shard, 'node0', 'test: clean up')
    await mover().complete(shard)
  }
  await db.connection('control').from('shard_nodes').where('name', NODE).delete()
  await syncRegisteredNodes(shardRouter)
  await dropDatabase(EXTRA)
  await dropDatabase(OTHER)
}

function assertNothingSecret(assert: any, output: string) {
  assert.notInclude(output, PASSWORD)
  assert.notInclude(output, EXTRA.url)
  assert.notMatch(output, /^\s+at /m, 'no stack trace')
}

test.group('shards:add-node', (group) => {
  group.setup(async () => {
    await removeNode3()
    return removeNode3
  })

  test('bad input exits 1 with a one-line reason and registers nothing', async ({ assert }) => {
    const unreachable = `postgres://postgres:${PASSWORD}@127.0.0.1:${await freePort()}/nowhere`
    const cases: Array<[string, string, string]> = [
      ['Node3', EXTRA.url, 'cannot name a node'],
      ['control', EXTRA.url, 'cannot name a node'],
      ['node0', EXTRA.url, 'declared in SHARD_NODE_URLS'],
      [NODE, `mysql://root:${PASSWORD}@127.0.0.1/extra`, 'the URL must read postgres://'],
      [NODE, 'not a url', 'the URL must read postgres://'],
      [NODE, withPassword(nodeUrl('node1')!), "already node1's"],
      [NODE, unreachable, 'cannot be reached'],
    ]
    for (const [name, url, message] of cases) {
      const result = await addNode(name, url)
      assert.equal(result.code, 1, `${name} ${url}: ${result.output}`)
      assert.include(result.output, message)
      assertNothingSecret(assert, result.output)
      assert.notInclude(result.output, url)
    }
    assert.notExists(await registration())
    assert.isFalse(await databaseExists(EXTRA))
    assert.notInclude(shardRouter.nodes(), NODE)
  }).timeout(120_000)

  test('a registered node is migrated, known to every process, takes a shard and gives it back', async ({
    client,
    assert,
  }) => {
    const added = await addNode(NODE, EXTRA.url)
    assert.equal(added.code, 0, added.output)
    assert.include(
      added.output,
      `${NODE} registered: 0 shards; run "node ace shards:rebalance" to fill it`
    )
    assertNothingSecret(assert, added.output)

    // The shard migrations ran there, as on the declared nodes.
    const count = (base: string, database: string) =>
      onServer(base, database, async (session) => {
        const result = await session.query('SELECT count(*)::int AS n FROM schema_migrations')
        return result.rows[0].n as number
      })
    const migrations = await count(EXTRA.base, EXTRA.name)
    assert.isAbove(migrations, 0)
    assert.equal(migrations, await count(EXTRA.base, databaseName(EXTRA.base)))

    // Recorded with its URL encrypted, audited without it.
    const row = await registration()
    assert.include(row, { accepts_shards: true })
    assert.isNotNull(row.registered_at)
    assert.isString(row.encrypted_url)
    assert.notEqual(row.encrypted_url, EXTRA.url)
    assert.notInclude(row.encrypted_url, PASSWORD)
    const audit = await db
      .connection('control')
      .from('audit_log')
      .where({ resource_type: 'shard_nodes', action: 'INSERT' })
      .whereRaw(`new_values ->> 'name' = ?`, [NODE])
      .orderBy('created_at', 'desc')
      .first()
    assert.equal(audit?.reason, 'test: a fourth node')
    assert.equal(audit?.actor_type, 'command')
    assert.notProperty(audit?.new_values, 'encrypted_url')

    // This process heard of it on the shard-map channel and connected it.
    await eventually('node3 known to the test process', () => shardRouter.nodes().includes(NODE))
    assert.equal(nodeUrl(NODE), EXTRA.url)
    // Serving no shard yet, it is not one of the checks that decide readiness.
    const idle = await client.get('/ready')
    assert.notProperty(idle.body().checks, `postgres:${NODE}`)

    // Run again alike: migrated again, nothing changed.
    const again = await addNode(NODE, EXTRA.url)
    assert.equal(again.code, 0, again.output)
    assert.include(again.output, `${NODE} registered: 0 shards`)
    const unchanged = await registration()
    assert.equal(unchanged.encrypted_url, row.encrypted_url)

    // A shard with a merchant's menu moves onto it and is served from there.
    const shop = await prepareShardMerchant(client)
    const shard = shop.merchant.shardId
    await shardRouter.load()
    const source = shardRouter.connectionForShard(shard)
    const before = await digests(source, shard)
    assert.isAbove(before.menu_items.rows, 0)
    await mover().move(shard, NODE, 'test: fill node3')
    await mover().complete(shard)
    assert.equal(shardRouter.connectionForShard(shard), NODE)
    assert.deepEqual(await digests(NODE, shard), before)
    for (const [table, digest] of Object.entries(await digests(source, shard)))
      assert.equal(digest.rows, 0, `${table} keeps rows of shard ${shard} on ${source}`)
    const menu = await client.get(`/api/v1/menus/${shop.merchant.slug}`)
    menu.assertStatus(200)
    assert.include(menu.text(), shop.menu.espresso.name)
    // Readiness checks the registered node like the declared ones.
    const ready = await client.get('/ready')
    assert.equal(ready.body().checks[`postgres:${NODE}`], 'ok')
    // ... and its queries are timed in /metrics like theirs, without a restart.
    const exposed = await scrapeMetrics(client)
    assert.match(
      exposed,
      new RegExp(`^db_query_duration_seconds_count\\{[^}]*connection="${NODE}"[^}]*\\} [1-9]`, 'm')
    )

    // Status, from the command and the admin API: node3 like the others, never its URL.
    const status = await ace(['shards:status'])
    assert.equal(status.code, 0, status.stderr)
    assert.match(status.stdout, new RegExp(`${NODE}\\s.*\\b1\\b`))
    assertNothingSecret(assert, status.stdout + status.stderr)
    const { token } = await supportToken(client)
    const api = await client.get('/api/v1/admin/shards').bearerToken(token)
    api.assertStatus(200)
    assert.deepInclude(api.body().data.nodes, { name: NODE, shards: 1, accepts_shards: true })
    assert.notInclude(api.text(), PASSWORD)
    assert.notInclude(api.text(), EXTRA.name)

    // Pointing node3 elsewhere is refused while it holds a shard; nothing changes, nothing created.
    const moved = await addNode(NODE, OTHER.url)
    assert.equal(moved.code, 1, moved.output)
    assert.include(moved.output, `${NODE} holds 1 shard(s)`)
    assertNothingSecret(assert, moved.output)
    assert.notInclude(moved.output, OTHER.url)
    const kept = await registration()
    assert.equal(kept.encrypted_url, row.encrypted_url)
    assert.isFalse(await databaseExists(OTHER))

    // And back: node3 ends empty, nothing of the moves left on either node.
    await mover().move(shard, source, 'test: empty node3')
    await mover().complete(shard)
    assert.deepEqual(await digests(source, shard), before)
    assert.deepEqual(await leftovers(source), NOTHING_LEFT)
    assert.deepEqual(await leftovers(NODE), NOTHING_LEFT)
  }).timeout(300_000)
})
