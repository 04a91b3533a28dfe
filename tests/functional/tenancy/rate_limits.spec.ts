import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import server from '@adonisjs/core/services/server'
import { createMerchant } from '#tests/support/merchants'
import { randomClientIp, startAppProcess } from '#tests/support/app_process'

function localUrl() {
  const { port } = server.getNodeServer()!.address() as { port: number }
  return `http://127.0.0.1:${port}`
}

test.group('rate limits', () => {
  test("auth is limited to 10/min per client: the 11th gets 429 with the limiter's Retry-After and limit headers (reset as a date)", async ({
    client,
    assert,
  }) => {
    const ip = randomClientIp()
    const statuses: number[] = []
    let last
    for (let i = 0; i < 11; i++) {
      last = await client
        .post('/api/v1/auth/login')
        .header('X-Forwarded-For', ip)
        .json({ email: `${randomUUID()}@x.test`, password: 'nope-nope' })
      statuses.push(last.status())
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429])
    const limited = last!
    assert.equal(limited.body().errors[0].code, 'E_TOO_MANY_REQUESTS')
    assert.isAbove(Number(limited.header('retry-after')), 0)
    assert.equal(limited.header('x-ratelimit-limit'), '10')
    assert.equal(limited.header('x-ratelimit-remaining'), '0')
    // The limiter's own headers: the reset is a date, as far ahead as Retry-After says.
    const reset = Date.parse(limited.header('x-ratelimit-reset') ?? '')
    const expected = Date.now() + Number(limited.header('retry-after')) * 1000
    assert.isBelow(Math.abs(reset - expected), 5000)
    // Another client is not affected.
    const other = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email: 'a@b.test', password: 'nope-nope' })
    other.assertStatus(401)
  })

  test('the api limit (100/min) is exact across two app processes sharing Redis', async ({
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const other = await startAppProcess()
    try {
      const origins = [localUrl(), other.url]
      const headers = { 'X-Merchant': merchant.slug, 'X-Forwarded-For': randomClientIp() }
      const statuses: number[] = []
      for (let i = 0; i < 104; i++) {
        const response = await fetch(`${origins[i % 2]}/api/v1/tenancy/merchant`, { headers })
        statuses.push(response.status)
      }
      assert.equal(statuses.filter((s) => s === 200).length, 100)
      assert.deepEqual(statuses.slice(100), [429, 429, 429, 429])
    } finally {
      await other.stop()
    }
  }).timeout(60000)

  test('X-Forwarded-For from an untrusted peer is ignored: changing it does not reset the budget', async ({
    assert,
  }) => {
    const untrusting = await startAppProcess({ TRUSTED_PROXIES: '' })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 11; i++) {
        const response = await fetch(`${untrusting.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': randomClientIp() },
          body: JSON.stringify({ email: `${randomUUID()}@x.test`, password: 'nope-nope' }),
        })
        statuses.push(response.status)
      }
      assert.include(statuses, 429)
    } finally {
      await untrusting.stop()
    }
  }).timeout(60000)
})
