import { test } from '@japa/runner'
import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto'
import webpush from 'web-push'
import env from '#start/env'
import type { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { startHttpReceiver } from '#tests/support/stand_ins'
import {
  enqueueCommitted,
  inTenant,
  merchantWithSettings,
  outboxRow,
  startNotificationWorkers,
  outboxStatus,
} from './helpers.js'
import { tenantDb } from '#tenancy/index'

/** A browser's subscription keys: a P-256 key pair and a 16-byte auth secret. */
function browserKeys() {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  return {
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  }
}

/** Checks a `vapid t=<jwt>, k=<key>` header the way a push service does (ES256 over the JWT). */
function verifyVapid(header: string, publicKey: string, audience: string) {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(header)
  if (!match || match[2] !== publicKey) return false
  const [head, claims, signature] = match[1].split('.')
  const point = Buffer.from(publicKey, 'base64url')
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  })
  const valid = verify(
    'sha256',
    Buffer.from(`${head}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url')
  )
  return valid && JSON.parse(Buffer.from(claims, 'base64url').toString()).aud === audience
}

test.group('Notifications: Web Push', (group) => {
  let workers: WorkerPool | undefined
  const vapid = webpush.generateVAPIDKeys()
  group.setup(() => {
    env.set('VAPID_PUBLIC_KEY', vapid.publicKey)
    env.set('VAPID_PRIVATE_KEY', vapid.privateKey)
  })
  group.each.teardown(async () => {
    await workers?.stop()
    workers = undefined
  })

  test('a push reaches the push service encrypted and VAPID-signed', async ({ client, assert }) => {
    const pushService = await startHttpReceiver(() => 201)
    try {
      const owner = await merchantWithSettings(client, { routes: { 'order.created': ['push'] } })
      const key = await client
        .get('/api/v1/notifications/push/public-key')
        .header('Authorization', `Bearer ${owner.token}`)
      assert.equal(key.body().data.public_key, vapid.publicKey)
      const subscribed = await client
        .post('/api/v1/notifications/push-subscriptions')
        .header('Authorization', `Bearer ${owner.token}`)
        .json({ endpoint: `${pushService.url}/push/device-1`, keys: browserKeys() })
      subscribed.assertStatus(201)

      workers = startNotificationWorkers()
      const [id] = await enqueueCommitted(owner.merchantId, {
        event: 'order.created',
        payload: { orderId: 'o-push' },
        message: { title: 'New order', body: 'Order #12' },
        priority: 'high',
      })
      await eventually(
        'row completed',
        async () => (await outboxStatus(owner.merchantId, id)) === 'completed'
      )

      assert.lengthOf(pushService.requests, 1)
      const request = pushService.requests[0]
      assert.equal(request.url, '/push/device-1')
      assert.equal(request.headers['content-encoding'], 'aes128gcm')
      assert.equal(request.headers['urgency'], 'high')
      assert.equal(request.headers['ttl'], '3600')
      assert.isTrue(
        verifyVapid(String(request.headers.authorization), vapid.publicKey, pushService.url)
      )
      assert.notInclude(request.body, 'Order #12', 'the payload is encrypted')
    } finally {
      await pushService.close()
    }
  })

  test('a subscription the push service says is gone is removed and not retried', async ({
    client,
    assert,
  }) => {
    const pushService = await startHttpReceiver(() => 410)
    try {
      const owner = await merchantWithSettings(client, { routes: { 'order.created': ['push'] } })
      const subscribed = await client
        .post('/api/v1/notifications/push-subscriptions')
        .header('Authorization', `Bearer ${owner.token}`)
        .json({ endpoint: `${pushService.url}/push/gone`, keys: browserKeys() })
      workers = startNotificationWorkers()
      const [id] = await enqueueCommitted(owner.merchantId, { event: 'order.created', payload: {} })
      const row = await eventually('row failed', async () => {
        const current = await outboxRow(owner.merchantId, id)
        return current.status === 'failed' && current
      })
      assert.equal(row.attempts, 1)
      assert.include(row.last_error, '410')
      const left = await inTenant(owner.merchantId, () =>
        tenantDb().from('push_subscriptions').where('id', subscribed.body().data.id)
      )
      assert.lengthOf(left, 0)
    } finally {
      await pushService.close()
    }
  })
})
