import { test } from '@japa/runner'
import { ownerToken } from '#tests/support/merchants'
import { sources, walk } from '#tests/support/wire_format_recorder'
import { wireFormatProblems } from '#tests/support/wire_format_check'
import {
  closeSockets,
  connect,
  emitWithAck,
  recorder,
} from '#tests/functional/notifications/socket_clients'
import { eventually } from '#tests/support/eventually'
import { startHttpReceiver } from '#tests/support/stand_ins'
import {
  enqueueCommitted,
  merchantWithSettings,
  startNotificationWorkers,
} from '#tests/functional/notifications/helpers'
import { WEBHOOK_API_VERSION } from '#notifications/channels/webhook_channel'
import User from '#tenancy/models/user'
import { supportToken } from '#tests/functional/compliance/helpers'

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, entry]) => [key, ...keysOf(entry)])
}

test.group('Wire format: snake_case on every channel', (group) => {
  group.each.teardown(() => closeSockets())

  test('the audit finds camelCase keys at any depth and passes the named data paths', ({
    assert,
  }) => {
    const found = walk('http', 'GET /api/v1/example', {
      data: [{ id: 1, createdAt: 'x', order: { totalMinor: 1 } }],
      meta: { per_page: 1 },
    })
    assert.deepEqual(
      found.map((f) => f.path),
      ['$.data[0].createdAt', '$.data[0].order.totalMinor']
    )
    // Rows exported as stored are data: their JSON columns keep what was written.
    assert.lengthOf(
      walk('http', 'POST /api/v1/admin/gdpr/exports', {
        data: { 'notifications.notification_queue': [{ payload: { customerName: 'A' } }] },
      }),
      0
    )
    assert.lengthOf(
      walk('http', 'GET /api/v1/other', { data: { payload: { customerName: 'A' } } }),
      1
    )
  })

  test('notification settings are read and written in snake_case', async ({ client, assert }) => {
    const owner = await ownerToken(client)
    const updated = await client
      .put('/api/v1/notifications/settings')
      .bearerToken(owner.token)
      .json({
        email_recipients: ['ops@shop.test'],
        sms_recipients: ['+441234567890'],
        webhook_url: 'https://hooks.shop.test/in',
      })
    updated.assertStatus(200)
    const read = await client.get('/api/v1/notifications/settings').bearerToken(owner.token)
    read.assertStatus(200)
    assert.containsSubset(read.body().data, {
      email_recipients: ['ops@shop.test'],
      sms_recipients: ['+441234567890'],
      webhook_url: 'https://hooks.shop.test/in',
    })
    assert.match(read.body().data.webhook_secret, /^whsec_/)
    assert.sameMembers(Object.keys(read.body().data), [
      'routes',
      'email_recipients',
      'sms_recipients',
      'webhook_url',
      'webhook_secret',
      'updated_at',
    ])

    const bad = await client
      .put('/api/v1/notifications/settings')
      .bearerToken(owner.token)
      .json({ webhook_url: 'ftp://x.test/in' })
    bad.assertStatus(422)
    assert.equal(bad.body().errors[0].field, 'webhook_url')

    const key = await client.get('/api/v1/notifications/push/public-key').bearerToken(owner.token)
    key.assertStatus(200)
    assert.deepEqual(Object.keys(key.body().data), ['public_key'])
  })

  test('chat socket events and acks are snake_case, and chat:send takes conversation_id', async ({
    client,
    assert,
  }) => {
    const shop = await ownerToken(client)
    const started = await client
      .post(`/api/v1/notifications/m/${shop.merchant.slug}/conversations`)
      .json({ name: 'Ada' })
    started.assertStatus(201)
    const conversation = started.body().data
    assert.includeMembers(Object.keys(conversation), ['customer_name', 'created_at'])

    const customer = await connect({ conversation_token: started.body().token })
    const staff = recorder(await connect({ token: shop.token }))
    const sent = await emitWithAck(customer, 'chat:send', {
      conversation_id: conversation.id,
      body: 'Hello',
    })
    assert.isTrue(sent.ok)
    assert.includeMembers(Object.keys(sent.data), ['conversation_id', 'sender_type', 'created_at'])
    const activity = await staff.waitFor(
      'chat:activity',
      (payload) => payload.conversation_id === conversation.id
    )
    assert.deepEqual(activity, { conversation_id: conversation.id, message_id: sent.data.id })

    const history = await client
      .get(`/api/v1/notifications/conversations/${conversation.id}/messages`)
      .bearerToken(shop.token)
    assert.deepEqual(Object.keys(history.body().meta), ['limit', 'next_cursor'])
  })

  test('a webhook body is snake_case and carries its api_version', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startHttpReceiver()
    cleanup(() => receiver.close())
    const { merchantId } = await merchantWithSettings(client, {
      routes: { 'order.created': ['webhook'] },
      webhook_url: `${receiver.url}/hooks`,
    })
    const workers = startNotificationWorkers()
    cleanup(() => workers.stop())
    const [id] = await enqueueCommitted(merchantId, {
      event: 'order.created',
      payload: { orderId: 'o-9', totalMinor: 950 },
    })
    const delivered = await eventually('webhook delivered', () => receiver.delivered()[0])
    const body = JSON.parse(delivered.body)
    assert.equal(body.api_version, WEBHOOK_API_VERSION)
    assert.match(body.api_version, /^\d{4}-\d{2}-\d{2}$/)
    assert.equal(body.id, id)
    assert.equal(body.merchant_id, merchantId)
    assert.deepEqual(body.data, { order_id: 'o-9', total_minor: 950 })
    assert.notMatch(keysOf(body).join(' '), /[a-z][A-Z]/)
  })

  test("onboarding takes the owner's full_name and answers with a snake_case merchant", async ({
    client,
    assert,
  }) => {
    const { token: support } = await supportToken(client)
    const slug = `wire-${Date.now().toString(36)}`
    const email = `${slug}@shop.test`
    const created = await client
      .post('/api/v1/admin/merchants')
      .bearerToken(support)
      .json({
        slug,
        name: 'Wire shop',
        vertical: 'coffeeshop',
        tier: 'pre_ordering',
        owner: { email, password: 'a-long-password-1', full_name: 'Grace Hopper' },
      })
    created.assertStatus(201)
    assert.equal(created.body().data.slug, slug)
    assert.includeMembers(Object.keys(created.body().data), ['shard_id', 'created_at'])
    const user = await User.findByOrFail('email', email)
    assert.equal(user.fullName, 'Grace Hopper')
  })

  test("the audit is wired: this file's routes, socket events and webhook bodies were recorded without a finding", ({
    assert,
  }) => {
    assert.includeMembers(sources('http'), [
      'GET /api/v1/notifications/settings',
      'PUT /api/v1/notifications/settings',
      'GET /api/v1/notifications/push/public-key',
    ])
    assert.includeMembers(sources('socket'), ['event chat:activity', 'ack chat:send'])
    assert.include(sources('webhook'), 'webhook order.created')
    assert.deepEqual(wireFormatProblems(false), [])
  })
})
