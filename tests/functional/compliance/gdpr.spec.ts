import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { personalDataRegistry } from '#compliance/index'
import { shardRouter, tenantDb } from '#tenancy/index'
import { TEST_PASSWORD, merchantsOnTwoNodes } from '#tests/support/merchants'
import { randomClientIp } from '#tests/support/app_process'
import { inTenant, seedCustomerData, supportToken } from './helpers.js'

/** A customer with an account, chat and notifications at two merchants on different shard nodes. */
async function customerOnTwoNodes() {
  const [a, b] = await merchantsOnTwoNodes()
  const tag = randomUUID().slice(0, 8)
  const email = `Customer.${tag}@Example.test`
  const name = `Zelda Quux${tag}`
  const user = await User.create({ email, password: TEST_PASSWORD, fullName: name })
  // A staff membership too, so the account has data on the control database beyond its row.
  await Membership.create({ userId: user.id, merchantId: a.merchant.id, role: 'staff' })
  await seedCustomerData(a.merchant.id, { email: email.toLowerCase(), name, userId: user.id }, 3)
  await seedCustomerData(b.merchant.id, { email, name }, 2)
  // A merchant that sends staff alerts to this address.
  await shardRouter.transaction(
    (trx) =>
      trx.table('notification_settings').insert({
        merchant_id: b.merchant.id,
        email_recipients: [email, 'boss@b.test'],
        webhook_secret: 's',
      }),
    b.merchant.shardId
  )
  return { a, b, email, name, tag, user }
}

/** Every declared personal column on every node, searched for the subject's values. */
async function personalValuesLeft(values: string[]) {
  const found: string[] = []
  for (const node of personalDataRegistry.nodes()) {
    for (const table of await personalDataRegistry.tablesAt(node.location)) {
      for (const column of Object.keys(table.personal)) {
        for (const value of values) {
          const { rows } = await db
            .connection(node.name)
            .rawQuery(
              `SELECT count(*)::int AS n FROM "${table.table}" WHERE "${column}"::text ILIKE ?`,
              [`%${value}%`]
            )
          if (rows[0].n > 0) found.push(`${node.name}.${table.table}.${column} (${rows[0].n})`)
        }
      }
    }
  }
  return found
}

test.group('GDPR export and erasure', () => {
  test('export gathers the subject from the control database and both shard nodes, with Art. 15 information', async ({
    client,
    assert,
  }) => {
    const { a, b, email, user } = await customerOnTwoNodes()
    const support = await supportToken(client)
    const response = await client
      .post('/api/v1/admin/gdpr/exports')
      .header('Authorization', `Bearer ${support.token}`)
      .json({ email: email.toUpperCase(), reason: 'ticket #123: subject access request' })
    response.assertStatus(200)
    const document = response.body()
    assert.equal(document.format, 'gudbro.gdpr-export.v1')
    assert.deepEqual(document.subject.account_ids, [user.id])
    assert.isString(document.generated_at)
    assert.notProperty(document, 'requestId')
    assert.isString(document.information.automated_decision_making)
    assert.lengthOf(document.data.tenancy.users, 1)
    assert.notProperty(document.data.tenancy.users[0], 'password')
    assert.lengthOf(document.data.tenancy.memberships, 1)
    const conversations = document.data.notifications.conversations
    assert.sameMembers(
      conversations.map((c: any) => c.merchant_id),
      [a.merchant.id, b.merchant.id]
    )
    assert.notProperty(conversations[0], 'token_hash')
    assert.lengthOf(document.data.notifications.messages, 5)
    assert.lengthOf(document.data.notifications.notification_queue, 2)
    assert.lengthOf(document.data.notifications.push_subscriptions, 1)
    assert.notProperty(document.data.notifications.push_subscriptions[0], 'auth')
    assert.lengthOf(document.data.notifications.notification_settings, 1)
    assert.sameMembers(
      document.merchants.map((m: any) => m.id),
      [a.merchant.id, b.merchant.id]
    )
    const processing = document.information.processing.find((p: any) => p.table === 'conversations')
    for (const key of ['purpose', 'legal_basis', 'categories', 'recipients', 'retention', 'source'])
      assert.property(processing, key)
    assert.include(processing.categories, 'customer_email')
    assert.isString(document.information.rights)

    // The read is audited with the support user and the reason.
    const audit = await db
      .connection('control')
      .from('audit_log')
      .where({ action: 'gdpr.export', resource_id: document.request_id })
      .first()
    assert.equal(audit.actor_id, support.user.id)
    assert.equal(audit.reason, 'ticket #123: subject access request')
    const request = await db
      .connection('control')
      .from('gdpr_requests')
      .where('id', document.request_id)
      .first()
    assert.equal(request.status, 'completed')
    assert.notInclude(JSON.stringify(request), email.toLowerCase())
  })

  test("a merchant's alert recipient gets only their own entries: no secret, no URL, no other recipient; erasure removes only them", async ({
    client,
    assert,
  }) => {
    const [a] = await merchantsOnTwoNodes()
    const tag = randomUUID().slice(0, 8)
    const email = `recipient.${tag}@example.test`
    const phone = `+4479${String(Date.now()).slice(-8)}`
    const others = { email: `colleague.${tag}@example.test`, phone: '+4479000000001' }
    const secret = `whsec_${randomUUID().replaceAll('-', '')}`
    const merchantSettings = {
      routes: JSON.stringify({ 'order.created': ['email', 'sms', 'webhook'] }),
      webhook_url: `https://hooks.example.test/${tag}`,
      webhook_secret: secret,
    }
    await shardRouter.transaction(
      (trx) =>
        trx.table('notification_settings').insert({
          merchant_id: a.merchant.id,
          ...merchantSettings,
          email_recipients: [others.email, email],
          sms_recipients: [phone, others.phone],
        }),
      a.merchant.shardId
    )
    await inTenant(a.merchant.id, () =>
      tenantDb('write')
        .table('notification_queue')
        .insert({
          merchant_id: a.merchant.id,
          type: 'email',
          event: 'order.created',
          recipient: email,
          payload: '{}',
          idempotency_key: `order:${tag}:created:email:${email}`,
        })
    )
    const support = await supportToken(client)
    for (const [subject, own] of [
      [{ email }, { email_recipients: [email], sms_recipients: [] }],
      [{ phone }, { email_recipients: [], sms_recipients: [phone] }],
    ] as const) {
      const response = await client
        .post('/api/v1/admin/gdpr/exports')
        .header('Authorization', `Bearer ${support.token}`)
        .json({ ...subject, reason: 'recipient asked' })
      response.assertStatus(200)
      const document = response.body()
      assert.deepEqual(document.data.notifications.notification_settings, [
        { merchant_id: a.merchant.id, ...own, _source: 'shard' },
      ])
      const text = JSON.stringify(document)
      for (const leak of [
        secret,
        merchantSettings.webhook_url,
        others.email,
        others.phone,
        'order.created":',
      ])
        assert.notInclude(text, leak)
      assert.sameMembers(
        document.merchants.map((m: any) => m.id),
        [a.merchant.id]
      )
    }
    const byEmail = await client
      .post('/api/v1/admin/gdpr/exports')
      .header('Authorization', `Bearer ${support.token}`)
      .json({ email, reason: 'recipient asked' })
    assert.lengthOf(byEmail.body().data.notifications.notification_queue, 1)
    assert.notProperty(byEmail.body().data.notifications.notification_queue[0], 'idempotency_key')

    const erased = await client
      .post('/api/v1/admin/gdpr/erasures')
      .header('Authorization', `Bearer ${support.token}`)
      .json({ email, reason: 'recipient left' })
    erased.assertStatus(201)
    const settings = await inTenant(a.merchant.id, () =>
      tenantDb('write').from('notification_settings').where('merchant_id', a.merchant.id).first()
    )
    assert.deepEqual(settings.email_recipients, [others.email])
    assert.deepEqual(
      settings.sms_recipients,
      [phone, others.phone],
      'erased by email: the phone was not named'
    )
    assert.equal(settings.webhook_secret, secret)
    assert.equal(settings.webhook_url, merchantSettings.webhook_url)
    assert.deepEqual(settings.routes, { 'order.created': ['email', 'sms', 'webhook'] })
  })

  test('a guest is exported by contact details alone', async ({ client, assert }) => {
    const [a] = await merchantsOnTwoNodes()
    const email = `guest-${randomUUID().slice(0, 8)}@example.test`
    await seedCustomerData(a.merchant.id, { email, name: 'Guest Person' }, 1)
    const support = await supportToken(client)
    const response = await client
      .post('/api/v1/admin/gdpr/exports')
      .header('Authorization', `Bearer ${support.token}`)
      .json({ email, reason: 'guest asked' })
    response.assertStatus(200)
    assert.deepEqual(response.body().subject.account_ids, [])
    assert.lengthOf(response.body().data.notifications.conversations, 1)
    assert.lengthOf(response.body().data.notifications.messages, 1)
  })

  test('erasure leaves no personal value in any declared column, keeps other people, and returns a receipt', async ({
    client,
    assert,
  }) => {
    const { b, email, name, tag, user } = await customerOnTwoNodes()
    const bystander = await customerOnTwoNodes()
    const support = await supportToken(client)
    assert.isNotEmpty(await personalValuesLeft([email, tag]))

    const response = await client
      .post('/api/v1/admin/gdpr/erasures')
      .header('Authorization', `Bearer ${support.token}`)
      .json({ email, reason: 'ticket #456: right to erasure' })
    response.assertStatus(201)
    const receipt = response.body().data
    assert.equal(receipt.kind, 'erasure')
    assert.equal(receipt.status, 'anonymized')
    const received = new Date(receipt.received_at)
    const deadline = new Date(receipt.legal_deadline)
    assert.isAtLeast(deadline.getTime() - received.getTime(), 28 * 86400_000)
    assert.isAtMost(deadline.getTime() - received.getTime(), 31 * 86400_000)
    assert.closeTo(
      new Date(receipt.hard_delete_due_at).getTime() - received.getTime(),
      90 * 86400_000,
      60_000
    )
    assert.equal(receipt.anonymized['notifications.messages'], 5)

    assert.deepEqual(await personalValuesLeft([email, name, tag]), [])
    // The other customer is untouched; the merchant's other alert recipient stays.
    assert.isNotEmpty(await personalValuesLeft([bystander.email]))
    const settings = await db
      .connection(shardRouter.connectionForShard(b.merchant.shardId))
      .from('notification_settings')
      .where('merchant_id', b.merchant.id)
      .first()
    assert.deepEqual(settings.email_recipients, ['boss@b.test'])
    // The account can no longer sign in, and its tokens are gone.
    const login = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email, password: TEST_PASSWORD })
    login.assertStatus(401)
    const tokens = await db
      .connection('control')
      .from('auth_access_tokens')
      .where('tokenable_id', user.id)
    assert.lengthOf(tokens, 0)

    const audit = await db
      .connection('control')
      .from('audit_log')
      .where({ action: 'gdpr.erase', resource_id: receipt.id })
      .first()
    assert.equal(audit.actor_id, support.user.id)
    assert.equal(audit.reason, 'ticket #456: right to erasure')
    // The trigger saw the account's anonymization, done by support for that reason.
    const userUpdate = await db
      .connection('control')
      .from('audit_log')
      .where({ resource_type: 'users', resource_id: user.id, action: 'UPDATE' })
      .first()
    assert.equal(userUpdate.actor_id, support.user.id)
    assert.equal(userUpdate.reason, 'ticket #456: right to erasure')

    const listed = await client
      .get('/api/v1/admin/gdpr/requests')
      .qs({ open: true })
      .header('Authorization', `Bearer ${support.token}`)
    assert.include(
      listed.body().data.map((r: any) => r.id),
      receipt.id
    )
    const one = await client
      .get('/api/v1/admin/gdpr/requests')
      .qs({ per_page: 1 })
      .header('Authorization', `Bearer ${support.token}`)
    assert.lengthOf(one.body().data, 1)
    assert.equal(one.body().meta.per_page, 1)
    assert.property(one.body().data[0], 'hard_delete_due_at')
  })

  test('personal-data operations need a reason and a subject, and the support role', async ({
    client,
  }) => {
    const support = await supportToken(client)
    const noReason = await client
      .post('/api/v1/admin/gdpr/exports')
      .header('Authorization', `Bearer ${support.token}`)
      .json({ email: 'x@y.test' })
    noReason.assertStatus(422)
    const noSubject = await client
      .post('/api/v1/admin/gdpr/erasures')
      .header('Authorization', `Bearer ${support.token}`)
      .json({ reason: 'why not' })
    noSubject.assertStatus(422)
    const [a] = await merchantsOnTwoNodes()
    const ownerLogin = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email: a.email, password: TEST_PASSWORD })
    const refused = await client
      .post('/api/v1/admin/gdpr/exports')
      .header('Authorization', `Bearer ${ownerLogin.body().token}`)
      .json({ email: 'x@y.test', reason: 'curious' })
    refused.assertStatus(403)
  })
})
