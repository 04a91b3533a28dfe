import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { spawn } from 'node:child_process'
import { defineArchivables, type Archivable } from '#core/archiving/archivable'
import { probeArchivable } from '#tests/fixtures/archive_probe'
import { archiveRunner } from '#compliance/services/archive_runner'
import { shardRouter } from '#tenancy/index'

async function onEveryNode(sql: string) {
  for (const node of shardRouter.nodes()) await db.connection(node).rawQuery(sql)
}

async function counts(table: string) {
  const result: Record<string, { hot: number; archived: number; distinct: number }> = {}
  for (const node of shardRouter.nodes()) {
    const hot = await db.connection(node).rawQuery(`SELECT count(*)::int AS n FROM ${table}`)
    const archived = await db
      .connection(node)
      .rawQuery(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM ${table}_archive`)
    const [{ n, d }] = archived.rows
    result[node] = { hot: hot.rows[0].n, archived: n, distinct: d }
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

  test('moves exactly the old rows on every node, in batches, and is idempotent; --dry-run moves nothing', async ({
    assert,
  }) => {
    const archivable = probeArchivable(table)
    const dry = await archiveRunner.run([archivable], { dryRun: true, batchSize: 100 })
    assert.deepEqual(
      dry.map((r) => [r.pending, r.moved]),
      shardRouter.nodes().map(() => [250, 0])
    )
    const progress: number[] = []
    const report = await archiveRunner.run([archivable], {
      batchSize: 100,
      onProgress: (p) => progress.push(p.moved),
    })
    assert.deepEqual(
      report.map((r) => [r.moved, r.batches]),
      shardRouter.nodes().map(() => [250, 3])
    )
    assert.includeMembers(progress, [100, 200, 250])
    for (const c of Object.values(await counts(table)))
      assert.deepEqual(c, { hot: 50, archived: 250, distinct: 250 })
    const again = await archiveRunner.run([archivable], { batchSize: 100 })
    assert.deepEqual(
      again.map((r) => r.moved),
      shardRouter.nodes().map(() => 0)
    )
  })

  test('a run that dies mid-way loses only its open batch; the next run resumes and counts match', async ({
    assert,
  }) => {
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
    const afterKill = await counts(table)
    assert.deepEqual(afterKill[first], { hot: 200, archived: 100, distinct: 100 })
    await archiveRunner.run([archivable], { batchSize: 100 })
    for (const c of Object.values(await counts(table)))
      assert.deepEqual(c, { hot: 50, archived: 250, distinct: 250 })
  })

  test('killed with SIGKILL mid-run, a fresh run resumes and every row is in exactly one place', async ({
    assert,
  }) => {
    const root = new URL('../../../', import.meta.url).pathname
    const child = spawn(
      process.execPath,
      ['--import=ts-node-maintained/register/esm', 'tests/fixtures/archive_probe_run.ts', table],
      {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: 'warn', LOG_FILE: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    let output = ''
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise((resolve) => child.once('exit', resolve))
    // Kill it once two batches are committed (the third is open, paused inside its transaction).
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk
        if ((output.match(/committed/g) ?? []).length >= 2) resolve()
      })
      child.once('exit', () => reject(new Error(`archiver exited early: ${output} ${stderr}`)))
    })
    child.kill('SIGKILL')
    await exited
    assert.notInclude(output, 'finished')
    const [first] = shardRouter.nodes()
    const afterKill = await counts(table)
    const killed = afterKill[first]
    assert.isAtLeast(killed.archived, 100)
    assert.isBelow(killed.archived, 250)
    assert.equal(killed.hot + killed.archived, 300)
    assert.equal(killed.distinct, killed.archived)

    await archiveRunner.run([probeArchivable(table)], { batchSize: 50 })
    for (const c of Object.values(await counts(table)))
      assert.deepEqual(c, { hot: 50, archived: 250, distinct: 250 })
  }).timeout(60_000)

  test('a copy that does not match its source is refused and rolled back', async ({ assert }) => {
    await onEveryNode(`
      CREATE FUNCTION archive_probe_tamper() RETURNS trigger AS $$ BEGIN NEW.amount_cents := NEW.amount_cents + 1; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER tamper BEFORE INSERT ON ${table}_archive FOR EACH ROW EXECUTE FUNCTION archive_probe_tamper();`)
    try {
      await assert.rejects(
        () => archiveRunner.run([probeArchivable(table)], { batchSize: 100 }),
        /copy does not match/
      )
      for (const c of Object.values(await counts(table)))
        assert.deepEqual(c, { hot: 300, archived: 0, distinct: 0 })
    } finally {
      await onEveryNode(
        `DROP TRIGGER IF EXISTS tamper ON ${table}_archive; DROP FUNCTION IF EXISTS archive_probe_tamper()`
      )
    }
  })

  test('archivables are checked; unknown names are refused', async ({ assert }) => {
    assert.throws(
      () => defineArchivables([{ ...probeArchivable(table), name: 'Bad Name' }]),
      /must be "<module>.<what>"/
    )
    await assert.rejects(
      () => archiveRunner.archivables(['orders.nope']),
      /Unknown archivable: orders.nope/
    )
  })
})
