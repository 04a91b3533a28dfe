import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { defineArchivables, moveRowsBatch, type Archivable } from '#core/archiving/archivable'
import { archiveRunner } from '#compliance/services/archive_runner'
import { shardRouter } from '#tenancy/index'

const SIX_MONTHS = 183 * 86_400_000

/** A stand-in for orders -> orders_archive: finished rows older than six months move. */
function probeArchivable(table: string): Archivable {
  return {
    name: 'probe.archive',
    description: 'test rows',
    location: 'shard',
    async pending(client, now) {
      const { rows } = await client.rawQuery(`SELECT count(*)::int AS n FROM ${table} WHERE finished_at < ?`, [new Date(now.getTime() - SIX_MONTHS)])
      return rows[0].n
    },
    moveBatch(trx, { now, batchSize }) {
      return moveRowsBatch(trx, { from: table, to: `${table}_archive`, key: 'id', where: 'finished_at < ?', bindings: [new Date(now.getTime() - SIX_MONTHS)], batchSize })
    },
  }
}

async function onEveryNode(sql: string) {
  for (const node of shardRouter.nodes()) await db.connection(node).rawQuery(sql)
}

async function counts(table: string) {
  const result: Record<string, { hot: number; archived: number; distinct: number }> = {}
  for (const node of shardRouter.nodes()) {
    const hot = (await db.connection(node).rawQuery(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n
    const archived = (await db.connection(node).rawQuery(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM ${table}_archive`)).rows[0]
    result[node] = { hot, archived: archived.n, distinct: archived.d }
  }
  return result
}

test.group('archive:run runner (Archivable contract)', (group) => {
  const table = 'archive_probe'
  group.each.setup(async () => {
    await onEveryNode(`
      DROP TABLE IF EXISTS ${table}, ${table}_archive;
      CREATE TABLE ${table} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), finished_at timestamptz NOT NULL, amount_cents integer NOT NULL);
      CREATE TABLE ${table}_archive (LIKE ${table} INCLUDING ALL);
      INSERT INTO ${table} (finished_at, amount_cents) SELECT now() - interval '200 days', g FROM generate_series(1, 250) g;
      INSERT INTO ${table} (finished_at, amount_cents) SELECT now() - interval '10 days', g FROM generate_series(1, 50) g;`)
    return () => onEveryNode(`DROP TABLE IF EXISTS ${table}, ${table}_archive`)
  })

  test('moves exactly the old rows on every node, in batches, and is idempotent; --dry-run moves nothing', async ({ assert }) => {
    const archivable = probeArchivable(table)
    const dry = await archiveRunner.run([archivable], { dryRun: true, batchSize: 100 })
    assert.deepEqual(dry.map((r) => [r.pending, r.moved]), shardRouter.nodes().map(() => [250, 0]))
    const progress: number[] = []
    const report = await archiveRunner.run([archivable], { batchSize: 100, onProgress: (p) => progress.push(p.moved) })
    assert.deepEqual(report.map((r) => [r.moved, r.batches]), shardRouter.nodes().map(() => [250, 3]))
    assert.includeMembers(progress, [100, 200, 250])
    for (const c of Object.values(await counts(table))) assert.deepEqual(c, { hot: 50, archived: 250, distinct: 250 })
    const again = await archiveRunner.run([archivable], { batchSize: 100 })
    assert.deepEqual(again.map((r) => r.moved), shardRouter.nodes().map(() => 0))
  })

  test('a run that dies mid-way loses only its open batch; the next run resumes and counts match', async ({ assert }) => {
    const archivable = probeArchivable(table)
    let batches = 0
    const dying: Archivable = {
      ...archivable,
      async moveBatch(trx, options) {
        const result = await archivable.moveBatch(trx, options)
        if (++batches === 2) throw new Error('killed')
        return result
      },
    }
    await assert.rejects(() => archiveRunner.run([dying], { batchSize: 100 }), 'killed')
    const [first] = shardRouter.nodes()
    assert.deepEqual((await counts(table))[first], { hot: 200, archived: 100, distinct: 100 })
    await archiveRunner.run([archivable], { batchSize: 100 })
    for (const c of Object.values(await counts(table))) assert.deepEqual(c, { hot: 50, archived: 250, distinct: 250 })
  })

  test('a copy that does not match its source is refused and rolled back', async ({ assert }) => {
    await onEveryNode(`
      CREATE FUNCTION archive_probe_tamper() RETURNS trigger AS $$ BEGIN NEW.amount_cents := NEW.amount_cents + 1; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER tamper BEFORE INSERT ON ${table}_archive FOR EACH ROW EXECUTE FUNCTION archive_probe_tamper();`)
    try {
      await assert.rejects(() => archiveRunner.run([probeArchivable(table)], { batchSize: 100 }), /copy does not match/)
      for (const c of Object.values(await counts(table))) assert.deepEqual(c, { hot: 300, archived: 0, distinct: 0 })
    } finally {
      await onEveryNode(`DROP TRIGGER IF EXISTS tamper ON ${table}_archive; DROP FUNCTION IF EXISTS archive_probe_tamper()`)
    }
  })

  test('archivables are checked; unknown names are refused', async ({ assert }) => {
    assert.throws(() => defineArchivables([{ ...probeArchivable(table), name: 'Bad Name' }]), /must be "<module>.<what>"/)
    await assert.rejects(() => archiveRunner.archivables(['orders.nope']), /Unknown archivable: orders.nope/)
  })
})
