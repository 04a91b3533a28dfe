import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { assignShard, pgHashText } from '#tenancy/sharding/shard_hash'

test.group('shard hash', () => {
  test('pgHashText agrees with PostgreSQL hashtext() for every remainder length', async ({
    assert,
  }) => {
    const samples = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'ünïcödé',
      ...Array.from({ length: 25 }, (_, n) => 'x'.repeat(n)),
    ]
    const { rows } = await db
      .connection('control')
      .rawQuery(
        'select hashtext(s) as h from unnest(?::text[]) with ordinality as t(s, i) order by i',
        [samples]
      )
    assert.deepEqual(
      samples.map(pgHashText),
      rows.map((row: { h: number }) => row.h)
    )
  })

  test('assignShard agrees with assign_shard() in SQL for 500 merchant ids', async ({ assert }) => {
    const ids = Array.from({ length: 500 }, () => randomUUID())
    const { rows } = await db
      .connection('control')
      .rawQuery(
        'select assign_shard(id) as s from unnest(?::uuid[]) with ordinality as t(id, i) order by i',
        [ids]
      )
    assert.deepEqual(
      ids.map((id) => assignShard(id)),
      rows.map((row: { s: number }) => row.s)
    )
    assert.isAbove(new Set(rows.map((row: { s: number }) => row.s)).size, 12)
  })
})
