import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { personalDataRegistry } from '#compliance/index'
import { definePersonalData } from '#core/privacy/personal_data'
import { LOOKS_PERSONAL, LOOKS_SECRET } from '#compliance/services/personal_data_registry'

test.group('Personal-data registry', () => {
  test('every column that looks personal, on the control database and every shard node, is declared', async ({
    assert,
  }) => {
    const nodes = personalDataRegistry.nodes()
    assert.isAtLeast(nodes.filter((node) => node.location === 'shard').length, 2)
    const undeclared: string[] = []
    for (const node of nodes) {
      for (const column of await personalDataRegistry.undeclaredColumns(node))
        undeclared.push(`${node.name}: ${column}`)
    }
    assert.deepEqual(
      undeclared,
      [],
      `Declare these in the owning module's personal_data.ts:\n${undeclared.join('\n')}`
    )
  })

  test('a new table with an undeclared personal column is caught', async ({ assert }) => {
    const node = personalDataRegistry.nodes().find((n) => n.location === 'shard')!
    await db
      .connection(node.name)
      .rawQuery(
        'CREATE TABLE registry_probe (id uuid, guest_phone text, delivery_address text, total_cents integer)'
      )
    try {
      const undeclared = await personalDataRegistry.undeclaredColumns(node)
      assert.includeMembers(undeclared, [
        'registry_probe.guest_phone',
        'registry_probe.delivery_address',
      ])
      assert.notInclude(undeclared, 'registry_probe.total_cents')
    } finally {
      await db.connection(node.name).rawQuery('DROP TABLE registry_probe')
    }
  })

  test('no export carries a column that looks secret, on the control database and every shard node', async ({
    assert,
  }) => {
    const exported: string[] = []
    for (const node of personalDataRegistry.nodes()) {
      for (const column of await personalDataRegistry.exportedSecretColumns(node))
        exported.push(`${node.name}: ${column}`)
    }
    assert.deepEqual(
      exported,
      [],
      `Add these to the table's exportExcludes in the owning module's personal_data.ts:\n${exported.join('\n')}`
    )
  })

  test("a secret-looking column added to an exported table is caught; a table exported as the subject's entries is not", async ({
    assert,
  }) => {
    const node = personalDataRegistry.nodes().find((n) => n.location === 'shard')!
    await db
      .connection(node.name)
      .rawQuery(
        'ALTER TABLE push_subscriptions ADD COLUMN refresh_token text, ADD COLUMN label text'
      )
    await db
      .connection(node.name)
      .rawQuery('ALTER TABLE notification_settings ADD COLUMN sms_api_key text')
    try {
      const exported = await personalDataRegistry.exportedSecretColumns(node)
      assert.include(exported, 'push_subscriptions.refresh_token')
      assert.notInclude(exported, 'push_subscriptions.label')
      assert.notInclude(exported, 'push_subscriptions.auth', 'declared in exportExcludes')
      assert.notInclude(
        exported,
        'notification_settings.sms_api_key',
        "only the subject's own entries are exported"
      )
    } finally {
      await db
        .connection(node.name)
        .rawQuery('ALTER TABLE push_subscriptions DROP COLUMN refresh_token, DROP COLUMN label')
      await db
        .connection(node.name)
        .rawQuery('ALTER TABLE notification_settings DROP COLUMN sms_api_key')
    }
  })

  test('declared tables exist where they say, with the columns they name', async ({ assert }) => {
    for (const node of personalDataRegistry.nodes()) {
      for (const table of await personalDataRegistry.tablesAt(node.location)) {
        const { rows } = await db
          .connection(node.name)
          .rawQuery(
            `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?`,
            [table.table]
          )
        const columns = rows.map((r: { column_name: string }) => r.column_name)
        const named = [
          ...Object.keys(table.personal),
          ...table.subject.map((l) => l.column),
          ...(table.exportExcludes ?? []),
          table.key ?? 'id',
        ]
        for (const column of named)
          assert.include(columns, column, `${node.name}.${table.table}.${column}`)
      }
    }
  })

  test('names that look personal, and names that do not', ({ assert }) => {
    for (const name of [
      'email',
      'customer_email',
      'phone',
      'full_name',
      'ip_address',
      'user_agent',
      'address',
      'email_recipients',
      'date_of_birth',
    ]) {
      assert.isTrue(LOOKS_PERSONAL.test(name), name)
    }
    for (const name of ['total_cents', 'status', 'created_at', 'shard_id', 'zipped'])
      assert.isFalse(LOOKS_PERSONAL.test(name), name)
    for (const name of [
      'webhook_secret',
      'password',
      'token_hash',
      'idempotency_key',
      'key',
      'auth',
      'p256dh',
      'token_ciphertext',
      'api_keys',
      'otp_seed',
    ]) {
      assert.isTrue(LOOKS_SECRET.test(name), name)
    }
    for (const name of ['keyboard', 'author', 'status', 'webhook_url', 'pinned', 'monkey'])
      assert.isFalse(LOOKS_SECRET.test(name), name)
  })

  test('definePersonalData names the bad table or column', ({ assert }) => {
    const information = {
      purpose: 'p',
      legalBasis: 'b',
      recipients: [],
      retention: 'r',
      source: 's',
    }
    assert.throws(
      () =>
        definePersonalData({
          tables: [
            {
              table: 'x',
              location: 'shard',
              subject: [{ column: 'a', kind: 'parent', table: 'y' }],
              personal: {},
              erase: 'anonymize',
              information,
            },
          ],
        }),
      /parent table "y" must be declared before it/
    )
    assert.throws(
      () =>
        definePersonalData({
          tables: [
            {
              table: 'x',
              location: 'shard',
              subject: [{ column: 'a', kind: 'email' }],
              personal: { a: 'scramble' as any },
              erase: 'anonymize',
              information,
            },
          ],
        }),
      /column "a" has unknown anonymizer "scramble"/
    )
    assert.throws(
      () =>
        definePersonalData({
          tables: [
            {
              table: 'x',
              location: 'shard',
              subject: [{ column: 'a', kind: 'contactList' }],
              personal: {},
              erase: 'anonymize',
              information,
            },
          ],
        }),
      /a contactList names other people too; declare export: 'subjectEntries'/
    )
  })
})
