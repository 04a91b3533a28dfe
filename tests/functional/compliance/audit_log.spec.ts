import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { randomUUID } from 'node:crypto'
import { runWithActor } from '#core/database/actor_context'
import { createMerchant, login, ownerToken } from '#tests/support/merchants'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { supportToken } from './helpers.js'

test.group('Audit log', () => {
  test('the trigger records the support user who enabled a module, with the request id', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const support = await supportToken(client)
    const response = await client
      .post(`/api/v1/admin/merchants/${merchant.slug}/modules/analytics/disable`)
      .header('Authorization', `Bearer ${support.token}`)
      .header('X-Request-Id', 'audit-test-request-1')
      .json({ reason: 'merchant asked' })
    response.assertStatus(200)
    const rows = await db
      .connection('control')
      .from('audit_log')
      .where({ merchant_id: merchant.id, resource_type: 'merchant_module_overrides' })
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].action, 'INSERT')
    assert.equal(rows[0].actor_id, support.user.id)
    assert.equal(rows[0].actor_type, 'support')
    assert.equal(rows[0].request_id, 'audit-test-request-1')
    assert.equal(rows[0].new_values.module, 'analytics')
  })

  test('the actor is transaction-local: it never reaches the next user of a pooled connection', async ({
    assert,
  }) => {
    const connection = db.connection('control')
    const { merchant } = await createMerchant()
    // A one-connection pool, so both statements provably share the session.
    db.manager.add('audit_probe', {
      ...(db.getRawConnection('control')!.config as any),
      pool: { min: 1, max: 1 },
    })
    const probe = db.connection('audit_probe')
    try {
      const actorId = randomUUID()
      const pidA = await runWithActor(
        { id: actorId, type: 'user', reason: "it's first \\ ok" },
        async () => {
          await probe.from('merchants').where('id', merchant.id).update({ name: 'Renamed once' })
          const backend = await probe.rawQuery('SELECT pg_backend_pid() AS pid')
          return backend.rows[0].pid
        }
      )
      const backendB = await probe.rawQuery('SELECT pg_backend_pid() AS pid')
      const pidB = backendB.rows[0].pid
      assert.equal(pidA, pidB)
      const leaked = await probe.rawQuery(
        `SELECT current_setting('app.actor_id', true) AS actor, current_setting('app.actor_reason', true) AS reason`
      )
      assert.notEqual(leaked.rows[0].actor, actorId)
      assert.equal(leaked.rows[0].reason, '')
      await probe.from('merchants').where('id', merchant.id).update({ name: 'Renamed twice' })
      // And inside an explicit transaction of another actor.
      await runWithActor({ id: null, type: 'job', reason: 'third' }, () =>
        probe.transaction((trx) =>
          trx.from('merchants').where('id', merchant.id).update({ name: 'Renamed thrice' })
        )
      )
      const rows = await connection
        .from('audit_log')
        .where({ resource_type: 'merchants', resource_id: merchant.id, action: 'UPDATE' })
        .orderBy('created_at')
      assert.deepEqual(
        rows.map((r) => [r.new_values.name, r.actor_id, r.actor_type, r.reason]),
        [
          ['Renamed once', actorId, 'user', "it's first \\ ok"],
          ['Renamed twice', null, 'system', null],
          ['Renamed thrice', null, 'job', 'third'],
        ]
      )
    } finally {
      await db.manager.close('audit_probe')
      db.manager.release('audit_probe')
    }
  })

  test('a failed autocommit write under an actor is rolled back and reported', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    await assert.rejects(() =>
      runWithActor({ id: null, type: 'user' }, () =>
        db
          .connection('control')
          .from('merchants')
          .where('id', merchant.id)
          .update({ tier: 'not-a-tier' })
      )
    )
    const rows = await db
      .connection('control')
      .from('audit_log')
      .where({ resource_id: merchant.id, action: 'UPDATE' })
    assert.lengthOf(rows, 0)
  })

  test('the users trigger never copies email, name or password into the log', async ({
    assert,
  }) => {
    const { email } = await createMerchant()
    const user = await db.connection('control').from('users').where('email', email).first()
    const rows = await db
      .connection('control')
      .from('audit_log')
      .where({ resource_type: 'users', resource_id: user.id })
    assert.isAbove(rows.length, 0)
    for (const row of rows) assert.notInclude(JSON.stringify(row), email)
  })

  test('owners read their merchant audit log, paginated and filtered; others do not', async ({
    client,
    assert,
  }) => {
    const owner = await ownerToken(client)
    const support = await supportToken(client)
    for (const action of ['disable', 'enable', 'disable']) {
      await client
        .post(`/api/v1/admin/merchants/${owner.merchant.slug}/modules/analytics/${action}`)
        .header('Authorization', `Bearer ${support.token}`)
        .json({ reason: `test ${action}` })
    }
    const first = await client
      .get('/api/v1/compliance/audit-log')
      .qs({ per_page: 2, resource_type: 'merchant_module_overrides' })
      .header('Authorization', `Bearer ${owner.token}`)
    first.assertStatus(200)
    assert.lengthOf(first.body().data, 2)
    assert.equal(first.body().data[0].actor.id, support.user.id)
    assert.equal(first.body().data[0].reason, null)
    assert.equal(first.body().meta.per_page, 2)
    // Column values keep their column names; only the envelope is converted.
    assert.property(first.body().data[0].new_values, 'enabled')
    assert.isString(first.body().data[0].created_at)
    const next = first.body().meta.next_cursor
    assert.isString(next)
    const second = await client
      .get('/api/v1/compliance/audit-log')
      .qs({ per_page: 2, resource_type: 'merchant_module_overrides', cursor: next })
      .header('Authorization', `Bearer ${owner.token}`)
    second.assertStatus(200)
    assert.lengthOf(second.body().data, 1)
    assert.isNull(second.body().meta.next_cursor)
    const ids = [...first.body().data, ...second.body().data].map((r: any) => r.id)
    assert.lengthOf(new Set(ids), 3)
    assert.deepEqual(
      [...first.body().data, ...second.body().data].map((r: any) => r.action),
      ['UPDATE', 'UPDATE', 'INSERT']
    )

    const filtered = await client
      .get('/api/v1/compliance/audit-log')
      .qs({ action: 'INSERT', resource_type: 'merchants' })
      .header('Authorization', `Bearer ${owner.token}`)
    assert.lengthOf(filtered.body().data, 1)
    assert.equal(filtered.body().data[0].resource_id, owner.merchant.id)

    const stranger = await ownerToken(client)
    const theirs = await client
      .get('/api/v1/compliance/audit-log')
      .qs({ resource_type: 'merchant_module_overrides' })
      .header('Authorization', `Bearer ${stranger.token}`)
    assert.lengthOf(theirs.body().data, 0)

    const bad = await client
      .get('/api/v1/compliance/audit-log')
      .qs({ cursor: 'nonsense' })
      .header('Authorization', `Bearer ${owner.token}`)
    bad.assertStatus(400)
    const tooMany = await client
      .get('/api/v1/compliance/audit-log')
      .qs({ per_page: 0 })
      .header('Authorization', `Bearer ${owner.token}`)
    tooMany.assertStatus(422)
    assert.equal(tooMany.body().errors[0].field, 'per_page')
    const anonymous = await client.get('/api/v1/compliance/audit-log')
    assert.oneOf(anonymous.status(), [401, 400])
  })

  test('a manager is refused the audit log', async ({ client }) => {
    const owner = await createMerchant()
    const managerEmail = `manager-${randomUUID().slice(0, 6)}@x.test`
    const user = await User.create({ email: managerEmail, password: 'test-password-1' })
    await Membership.create({ userId: user.id, merchantId: owner.merchant.id, role: 'manager' })
    const token = await login(client, managerEmail)
    const response = await client
      .get('/api/v1/compliance/audit-log')
      .header('Authorization', `Bearer ${token}`)
    response.assertStatus(403)
  })
})
