import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import User from '#tenancy/models/user'
import { runJobInTenant, shardRouter, tenantDb } from '#tenancy/index'
import { TEST_PASSWORD } from '#tests/support/merchants'
import { enrolSecondFactor, loginWithSecondFactor } from '#tests/support/second_factor'

/**
 * A platform support user with a second factor, and a token for the admin API from the two-step
 * login (with a recovery code: the TOTP codes of `secret` stay unused for the test).
 */
export async function supportToken(client: ApiClient) {
  const email = `support-${randomUUID().slice(0, 8)}@gudbro.test`
  const user = await User.create({
    email,
    password: TEST_PASSWORD,
    fullName: 'Support Person',
    platformRole: 'support',
  })
  const { secret, recoveryCodes } = await enrolSecondFactor(email)
  const token = await loginWithSecondFactor(client, email, { recovery_code: recoveryCodes.pop() })
  return { user, email, token, secret, recoveryCodes }
}

export function inTenant<T>(merchantId: string, fn: () => Promise<T>) {
  return runJobInTenant({ merchantId }, fn)
}

/**
 * A customer's data at one merchant: a chat conversation with messages, an email notification, and
 * (for accounts) a staff push subscription.
 */
export async function seedCustomerData(
  merchantId: string,
  customer: { email: string; name: string; userId?: string },
  messages = 2
) {
  return inTenant(merchantId, () =>
    shardRouter.transaction(async (trx) => {
      const [conversation] = await trx
        .table('conversations')
        .insert({
          merchant_id: merchantId,
          customer_name: customer.name,
          customer_email: customer.email,
          customer_user_id: customer.userId ?? null,
          token_hash: randomUUID(),
        })
        .returning('id')
      for (let i = 0; i < messages; i++) {
        await trx.table('messages').insert({
          merchant_id: merchantId,
          conversation_id: conversation.id,
          sender_type: 'customer',
          body: `Hello, I am ${customer.name} (${i})`,
        })
      }
      await trx.table('notification_queue').insert({
        merchant_id: merchantId,
        type: 'email',
        event: 'order.ready',
        recipient: customer.email,
        payload: JSON.stringify({ customerName: customer.name, to: customer.email }),
      })
      if (customer.userId) {
        await trx.table('push_subscriptions').insert({
          merchant_id: merchantId,
          user_id: customer.userId,
          endpoint: `https://push.test/${randomUUID()}`,
          p256dh: 'key',
          auth: 'auth',
        })
      }
      return conversation.id as string
    })
  )
}

export function nodeOf(merchantId: string, shardId: number) {
  void merchantId
  return shardRouter.connectionForShard(shardId)
}

export function rowsOn(node: string, table: string) {
  return db.connection(node).from(table)
}

export { tenantDb }
