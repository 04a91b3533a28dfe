import { test } from '@japa/runner'
import { createServer, type IncomingMessage } from 'node:http'
import { gunzipSync } from 'node:zlib'
import {
  captureError,
  closeSentry,
  flushSentry,
  initSentry,
  sentryEnabled,
} from '#core/observability/sentry'
import { createMerchant, login } from '#tests/support/merchants'

/** A local stand-in for Sentry's ingest endpoint: collects envelopes. */
async function startReceiver() {
  const envelopes: string[] = []
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      envelopes.push(
        (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString()
      )
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    envelopes,
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    close: () => new Promise((r) => server.close(r)),
  }
}

test.group('sentry', () => {
  test('off without a DSN: nothing is initialised', ({ assert }) => {
    assert.isFalse(sentryEnabled())
  })

  test('with a DSN, errors carry merchant and module tags and no authorization or cookie header', async ({
    assert,
  }) => {
    const receiver = await startReceiver()
    initSentry({ dsn: receiver.dsn, environment: 'test' })
    // Built at run time: Sentry attaches source lines of the stack, which must not contain the secrets.
    const token = ['tok', 'en', 'secret', Date.now()].join('-')
    const session = ['sess', 'ion', 'secret', Date.now()].join('-')
    try {
      const ctx = {
        route: { pattern: '/api/v1/things' },
        request: {
          method: () => 'GET',
          url: () => '/api/v1/things',
          headers: () => ({
            'authorization': `Bearer ${token}`,
            'cookie': `session=${session}`,
            'user-agent': 'tests',
          }),
        },
      } as any
      captureError(new Error('boom for sentry'), { merchant: 'merchant-123', module: 'menu' }, ctx)
      await flushSentry()
      const envelope = receiver.envelopes.find((e) => e.includes('boom for sentry'))
      assert.exists(envelope)
      assert.include(envelope!, '"merchant":"merchant-123"')
      assert.include(envelope!, '"module":"menu"')
      assert.notInclude(envelope!, token)
      assert.notInclude(envelope!, session)
      assert.include(envelope!, 'tests')
    } finally {
      await closeSentry()
      await receiver.close()
    }
  })

  test('a 500 keeps only known-safe headers and no token from the query string', async ({
    client,
    assert,
  }) => {
    const receiver = await startReceiver()
    initSentry({ dsn: receiver.dsn, environment: 'test' })
    const secret = (name: string) =>
      [name, 'secret', Date.now(), Math.random().toString(36).slice(2)].join('-')
    const secrets = {
      tracking: secret('tracking'),
      conversation: secret('conversation'),
      idempotency: secret('idem'),
      apiKey: secret('apikey'),
      queryToken: secret('query'),
      querySignature: secret('signature'),
    }
    try {
      const { merchant, email } = await createMerchant({ tier: 'pre_ordering' })
      const bearer = await login(client, email)
      const response = await client
        .post(
          `/api/v1/loyalty/boom?page=2&token=${secrets.queryToken}&sig=${secrets.querySignature}`
        )
        .header('X-Merchant', merchant.slug)
        .header('X-Tracking-Token', secrets.tracking)
        .header('X-Conversation-Token', secrets.conversation)
        .header('Idempotency-Key', secrets.idempotency)
        .header('X-Api-Key', secrets.apiKey)
        .header('Authorization', `Bearer ${bearer}`)
        .header('User-Agent', 'sentry-scrub-check')
        .json({ password: secrets.apiKey })
      response.assertStatus(500)
      await flushSentry()
      const envelope = receiver.envelopes.find((e) => e.includes('loyalty boom'))
      assert.exists(envelope)
      for (const [name, value] of Object.entries({ ...secrets, bearer }))
        assert.notInclude(envelope!, value, `${name} was sent to Sentry`)
      assert.include(envelope!, 'sentry-scrub-check')
      assert.include(envelope!, 'page=2')
      assert.include(envelope!, merchant.slug)
    } finally {
      await closeSentry()
      await receiver.close()
    }
  })
})
