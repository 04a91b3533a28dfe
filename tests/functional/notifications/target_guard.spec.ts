import { test } from '@japa/runner'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createECDH, randomBytes } from 'node:crypto'
import webpush from 'web-push'
import env from '#start/env'
import { tenantDb } from '#tenancy/index'
import { delivery } from '#notifications/services/delivery'
import {
  isPublicAddress,
  PrivateTargetError,
  PublicTargetClient,
  type Resolver,
} from '#notifications/services/target_guard'
import { startHttpReceiver } from '#tests/support/stand_ins'
import { enqueueCommitted, inTenant, merchantWithSettings, outboxRow } from './helpers.js'

/** Runs `fn` the way production does: NOTIFICATIONS_ALLOW_PRIVATE_TARGETS not set, so private targets are refused. */
async function inProductionMode<T>(fn: () => Promise<T>) {
  env.set('NOTIFICATIONS_ALLOW_PRIVATE_TARGETS', undefined)
  delete process.env.NOTIFICATIONS_ALLOW_PRIVATE_TARGETS
  try {
    return await fn()
  } finally {
    env.set('NOTIFICATIONS_ALLOW_PRIVATE_TARGETS', true)
  }
}

const POST = {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: '{}',
  timeoutMs: 5000,
}

const answers =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))

test.group('Notifications: outbound targets (SSRF guard)', () => {
  test('every private, reserved or local address is refused, also inside an IPv6 form; public ones pass', ({
    assert,
  }) => {
    const refused = [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '192.0.2.1',
      '198.18.0.1',
      '240.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12::1',
      'ff02::1',
      'fec0::1',
      '2001:db8::1',
      '100::1',
      // IPv4-mapped, as the URL parser writes http://[::ffff:127.0.0.1]/, and the other ways IPv6 carries IPv4
      '::ffff:7f00:1',
      '::ffff:127.0.0.1',
      '::ffff:a9fe:a9fe',
      '::ffff:0:7f00:1',
      '::7f00:1',
      '::a00:1',
      // NAT64 (64:ff9b::/96) and local-use NAT64, 6to4 and Teredo with a private address inside
      '64:ff9b::7f00:1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b:1::a00:1',
      '2002:7f00:1::1',
      '2002:c0a8:101::1',
      '2001:0:7f00:1::1',
      '2001:0:4136:e378:8000:63bf:f5ff:fffe',
    ]
    for (const address of refused) assert.isFalse(isPublicAddress(address), address)
    const allowed = [
      '93.184.216.34',
      '8.8.8.8',
      '2606:4700:4700::1111',
      '::ffff:5db8:d822',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ]
    for (const address of allowed) assert.isTrue(isPublicAddress(address), address)
    for (const notAnAddress of ['localhost', '', 'example.com'])
      assert.isFalse(isPublicAddress(notAnAddress), notAnAddress)
  })

  test('IP literals in every spelling are refused before any connection', async ({ assert }) => {
    const receiver = await startHttpReceiver()
    const port = new URL(receiver.url).port
    const client = new PublicTargetClient(answers('93.184.216.34'))
    try {
      await inProductionMode(async () => {
        for (const host of [
          '[::ffff:127.0.0.1]',
          '[::ffff:7f00:1]',
          '[::127.0.0.1]',
          '[64:ff9b::127.0.0.1]',
          '[2002:7f00:1::]',
          '0x7f.1',
          '2130706433',
          '127.1',
        ]) {
          const error = await client
            .send(`http://${host}:${port}/hook`, POST)
            .catch((caught) => caught)
          assert.instanceOf(error, PrivateTargetError, host)
          assert.include(error.message, 'private address')
        }
      })
      assert.lengthOf(receiver.requests, 0)
    } finally {
      client.close()
      await receiver.close()
    }
  })

  test('a name that resolves to a private address is refused, and the socket connects to the address that was checked', async ({
    assert,
  }) => {
    const receiver = await startHttpReceiver()
    const port = new URL(receiver.url).port
    // The name exists only in this resolver: a connection that reaches the receiver used its answer.
    const rebinding = new PublicTargetClient(answers('127.0.0.1'))
    const mixed = new PublicTargetClient(answers('93.184.216.34', '127.0.0.1'))
    try {
      await inProductionMode(async () => {
        for (const client of [rebinding, mixed]) {
          const error = await client
            .send(`http://hooks.merchant.test:${port}/hook`, POST)
            .catch((caught) => caught)
          assert.instanceOf(error, PrivateTargetError)
          assert.include(error.message, 'hooks.merchant.test')
        }
        // The real resolver: localhost is loopback.
        const system = new PublicTargetClient()
        const error = await system
          .send(`http://localhost:${port}/hook`, POST)
          .catch((caught) => caught)
        system.close()
        assert.instanceOf(error, PrivateTargetError)
      })
      assert.lengthOf(receiver.requests, 0)

      // Allowed (development, tests): the same lookup answer is what the socket connects to.
      assert.equal(await rebinding.send(`http://hooks.merchant.test:${port}/hook`, POST), 200)
      assert.lengthOf(receiver.requests, 1)
      assert.equal(receiver.requests[0].headers.host, `hooks.merchant.test:${port}`)
    } finally {
      rebinding.close()
      mixed.close()
      await receiver.close()
    }
  })

  test('a webhook to http://[::ffff:127.0.0.1]/ or to localhost never reaches loopback', async ({
    client,
    assert,
  }) => {
    const receiver = await startHttpReceiver()
    const port = new URL(receiver.url).port
    try {
      for (const webhookUrl of [
        `http://[::ffff:127.0.0.1]:${port}/hook`,
        `http://localhost:${port}/hook`,
      ]) {
        const { merchantId } = await merchantWithSettings(client, {
          routes: { 'order.created': ['webhook'] },
          webhook_url: webhookUrl,
        })
        const [id] = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
        const result = await inProductionMode(() =>
          inTenant(merchantId, () => delivery.deliver(id))
        )
        assert.equal(result.outcome, 'failed', webhookUrl)
        const row = await outboxRow(merchantId, id)
        assert.equal(row.status, 'failed')
        assert.equal(row.attempts, 1, 'refused for good, not retried')
        assert.include(row.last_error, 'private address')
      }
      assert.lengthOf(receiver.requests, 0)
    } finally {
      await receiver.close()
    }
  })

  test('a push endpoint on a private address is never contacted', async ({ client, assert }) => {
    const pushService = await startHttpReceiver(() => 201)
    const vapid = webpush.generateVAPIDKeys()
    env.set('VAPID_PUBLIC_KEY', vapid.publicKey)
    env.set('VAPID_PRIVATE_KEY', vapid.privateKey)
    try {
      const owner = await merchantWithSettings(client, { routes: { 'order.created': ['push'] } })
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      await inTenant(owner.merchantId, () =>
        tenantDb('write')
          .table('push_subscriptions')
          .insert({
            merchant_id: owner.merchantId,
            endpoint: `http://[::ffff:127.0.0.1]:${new URL(pushService.url).port}/push/device`,
            p256dh: ecdh.getPublicKey().toString('base64url'),
            auth: randomBytes(16).toString('base64url'),
          })
      )
      const [id] = await enqueueCommitted(owner.merchantId, { event: 'order.created', payload: {} })
      const result = await inProductionMode(() =>
        inTenant(owner.merchantId, () => delivery.deliver(id))
      )
      assert.equal(result.outcome, 'failed')
      const row = await outboxRow(owner.merchantId, id)
      assert.include(row.last_error, 'private address')
      assert.lengthOf(pushService.requests, 0)
    } finally {
      await pushService.close()
    }
  })

  test('a redirect is not followed: the webhook fails with the 3xx and the redirect target sees nothing', async ({
    client,
    assert,
  }) => {
    const elsewhere = await startHttpReceiver()
    const redirecting = http.createServer((request, response) => {
      request.resume()
      response.writeHead(307, { location: `${elsewhere.url}/internal` }).end()
    })
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve))
    try {
      const webhookUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook`
      const { merchantId } = await merchantWithSettings(client, {
        routes: { 'order.created': ['webhook'] },
        webhook_url: webhookUrl,
      })
      const [id] = await enqueueCommitted(merchantId, { event: 'order.created', payload: {} })
      const result = await inTenant(merchantId, () => delivery.deliver(id))
      assert.equal(result.outcome, 'retry')
      const row = await outboxRow(merchantId, id)
      assert.include(row.last_error, 'HTTP 307 (redirects are not followed)')
      assert.lengthOf(elsewhere.requests, 0)
    } finally {
      redirecting.closeAllConnections()
      await new Promise((resolve) => redirecting.close(resolve))
      await elsewhere.close()
    }
  })
})
