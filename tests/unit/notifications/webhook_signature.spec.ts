import { test } from '@japa/runner'
import { createHmac } from 'node:crypto'
import { signWebhook, verifyWebhookSignature } from '#notifications/services/webhook_signature'

test.group('Webhook signatures', () => {
  test('t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> with the merchant secret', ({ assert }) => {
    const body = '{"event":"order.created"}'
    const header = signWebhook('whsec_abc', body, 1_700_000_000)
    const expected = createHmac('sha256', 'whsec_abc').update(`1700000000.${body}`).digest('hex')
    assert.equal(header, `t=1700000000,v1=${expected}`)
  })

  test('verification refuses another secret, another body, a stale timestamp and garbage', ({
    assert,
  }) => {
    const body = '{"a":1}'
    const now = Math.floor(Date.now() / 1000)
    const header = signWebhook('s1', body, now)
    assert.isTrue(verifyWebhookSignature('s1', body, header))
    assert.isFalse(verifyWebhookSignature('s2', body, header))
    assert.isFalse(verifyWebhookSignature('s1', '{"a":2}', header))
    assert.isFalse(verifyWebhookSignature('s1', body, signWebhook('s1', body, now - 3600)))
    assert.isFalse(verifyWebhookSignature('s1', body, 'v1=abc'))
    assert.isFalse(verifyWebhookSignature('s1', body, `t=${now},v1=zz`))
  })
})
