import { test } from '@japa/runner'
import { createServer, type IncomingMessage } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { captureError, closeSentry, flushSentry, initSentry, sentryEnabled } from '#core/observability/sentry'

/** A local stand-in for Sentry's ingest endpoint: collects envelopes. */
async function startReceiver() {
  const envelopes: string[] = []
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      envelopes.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString())
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { envelopes, dsn: `http://publickey@127.0.0.1:${port}/1`, close: () => new Promise((r) => server.close(r)) }
}

test.group('sentry', () => {
  test('off without a DSN: nothing is initialised', ({ assert }) => {
    assert.isFalse(sentryEnabled())
  })

  test('with a DSN, errors carry merchant and module tags and no authorization or cookie header', async ({ assert }) => {
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
          headers: () => ({ 'authorization': `Bearer ${token}`, 'cookie': `session=${session}`, 'user-agent': 'tests' }),
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
})
