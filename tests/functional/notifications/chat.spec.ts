import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { ownerToken } from '#tests/support/merchants'
import { closeSockets, connect, emitWithAck, joinRoom, recorder } from './socket_clients.js'

async function startConversation(client: ApiClient, slug: string, name = 'Ada') {
  const response = await client
    .post(`/api/v1/notifications/m/${slug}/conversations`)
    .json({ name, email: 'ada@mail.test' })
  response.assertStatus(201)
  return { id: response.body().data.id as string, token: response.body().token as string }
}

test.group('Chat: conversations over socket.io', (group) => {
  group.each.teardown(() => closeSockets())

  test('round trip between a customer and staff, persisted and in history', async ({
    client,
    assert,
  }) => {
    const shop = await ownerToken(client)
    const conversation = await startConversation(client, shop.merchant.slug)

    const customer = await connect({ conversation_token: conversation.token })
    const staff = await connect({ token: shop.token })
    const customerSees = recorder(customer)
    const staffSees = recorder(staff)
    assert.deepEqual(
      await emitWithAck(staff, 'room:join', { room: `conversation:${conversation.id}` }),
      {
        ok: true,
        room: `conversation:${conversation.id}`,
      }
    )

    const sent = await emitWithAck(customer, 'chat:send', {
      conversation_id: conversation.id,
      body: 'Is the oat latte vegan?',
    })
    assert.isTrue(sent.ok)
    const received = await staffSees.waitFor('chat:message', (m) => m.id === sent.data.id)
    assert.equal(received.sender_type, 'customer')
    assert.equal(received.body, 'Is the oat latte vegan?')
    await staffSees.waitFor('chat:activity', (a) => a.conversation_id === conversation.id)

    const reply = await emitWithAck(staff, 'chat:send', {
      conversation_id: conversation.id,
      body: 'Yes, it is.',
    })
    assert.isTrue(reply.ok)
    const answer = await customerSees.waitFor('chat:message', (m) => m.id === reply.data.id)
    assert.equal(answer.sender_type, 'staff')
    assert.lengthOf(customerSees.of('chat:activity'), 0, 'customers do not see the merchant feed')

    const history = await client
      .get(`/api/v1/notifications/conversations/${conversation.id}/messages`)
      .header('Authorization', `Bearer ${shop.token}`)
    history.assertStatus(200)
    assert.deepEqual(
      history.body().data.map((m: any) => m.body),
      ['Yes, it is.', 'Is the oat latte vegan?']
    )
    const customerHistory = await client
      .get(
        `/api/v1/notifications/m/${shop.merchant.slug}/conversations/${conversation.id}/messages`
      )
      .header('X-Conversation-Token', conversation.token)
    assert.lengthOf(customerHistory.body().data, 2)
  })

  test('history is paginated newest first with a cursor', async ({ client, assert }) => {
    const shop = await ownerToken(client)
    const conversation = await startConversation(client, shop.merchant.slug)
    for (let n = 1; n <= 5; n++) {
      const posted = await client
        .post(
          `/api/v1/notifications/m/${shop.merchant.slug}/conversations/${conversation.id}/messages`
        )
        .header('X-Conversation-Token', conversation.token)
        .json({ body: `message ${n}` })
      posted.assertStatus(201)
    }
    const bodies: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: any = await client
        .get(`/api/v1/notifications/conversations/${conversation.id}/messages`)
        .qs(cursor ? { limit: 2, cursor } : { limit: 2 })
        .header('Authorization', `Bearer ${shop.token}`)
      page.assertStatus(200)
      bodies.push(...page.body().data.map((m: any) => m.body))
      cursor = page.body().meta.next_cursor
      pages++
    } while (cursor && pages < 10)
    assert.equal(pages, 3)
    assert.deepEqual(bodies, ['message 5', 'message 4', 'message 3', 'message 2', 'message 1'])
    const bad = await client
      .get(`/api/v1/notifications/conversations/${conversation.id}/messages`)
      .qs({ limit: 500 })
      .header('Authorization', `Bearer ${shop.token}`)
    bad.assertStatus(422)
  })

  test("merchant B cannot join, write to or read merchant A's conversations; a customer only has their own", async ({
    client,
    assert,
  }) => {
    const a = await ownerToken(client)
    const b = await ownerToken(client)
    const conversation = await startConversation(client, a.merchant.slug)
    const other = await startConversation(client, a.merchant.slug, 'Grace')

    const staffB = await connect({ token: b.token })
    const seenByB = recorder(staffB)
    assert.isFalse(await joinRoom(staffB, `conversation:${conversation.id}`))
    const write = await emitWithAck(staffB, 'chat:send', {
      conversation_id: conversation.id,
      body: 'hello from B',
    })
    assert.deepEqual(write.error?.code, 'E_FORBIDDEN')
    const bad = await emitWithAck(staffB, 'chat:send', { conversation_id: 'nope', body: '' })
    assert.equal(bad.error?.code, 'E_VALIDATION_ERROR')

    const history = await client
      .get(`/api/v1/notifications/conversations/${conversation.id}/messages`)
      .header('Authorization', `Bearer ${b.token}`)
    history.assertStatus(404)

    const customer = await connect({ conversation_token: conversation.token })
    assert.isFalse(await joinRoom(customer, `conversation:${other.id}`))
    assert.isFalse(await joinRoom(customer, `merchant:${a.merchant.id}:orders`))
    const wrongToken = await client
      .get(`/api/v1/notifications/m/${a.merchant.slug}/conversations/${other.id}/messages`)
      .header('X-Conversation-Token', conversation.token)
    wrongToken.assertStatus(404)

    // A message in A's conversation reaches nobody at B.
    const staffA = await connect({ token: a.token })
    await emitWithAck(staffA, 'chat:send', { conversation_id: conversation.id, body: 'for A only' })
    const customerSees = recorder(customer)
    await emitWithAck(staffA, 'chat:send', { conversation_id: conversation.id, body: 'second' })
    await customerSees.waitFor('chat:message', (m) => m.body === 'second')
    assert.lengthOf(seenByB.of('chat:message'), 0)
    assert.lengthOf(seenByB.of('chat:activity'), 0)
  })

  test('one socket cannot flood the chat', async ({ client, assert }) => {
    const shop = await ownerToken(client)
    const conversation = await startConversation(client, shop.merchant.slug)
    const customer = await connect({ conversation_token: conversation.token })
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        emitWithAck(customer, 'chat:send', { conversation_id: conversation.id, body: `spam ${n}` })
      )
    )
    const refused = replies.filter((reply) => reply.error?.code === 'E_TOO_MANY_REQUESTS')
    assert.lengthOf(refused, 10)
    assert.lengthOf(
      replies.filter((reply) => reply.ok),
      30
    )
  })
})
