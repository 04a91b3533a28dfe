import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { createMerchant } from '#tests/support/merchants'
import { randomClientIp } from '#tests/support/app_process'
import { LeasedLimiter } from '#tenancy/services/leased_limiter'

/** The window counter Redis keeps for an anonymous api client of a merchant. */
async function counted(ip: string, merchantId: string) {
  const value = await redis.get(`ratelimit:api:ip:${ip}:${merchantId}`)
  return Number(value ?? 0)
}

test.group('rate limit leases', () => {
  test('a process claims the api budget five units at a time, and concurrent requests share one claim', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    const ip = randomClientIp()
    const first = await client
      .get('/api/v1/tenancy/merchant')
      .header('X-Merchant', merchant.slug)
      .header('X-Forwarded-For', ip)
    first.assertStatus(200)
    assert.equal(await counted(ip, merchant.id), 5)
    assert.equal(first.header('x-ratelimit-remaining'), '99')

    const statuses = await Promise.all(
      Array.from({ length: 19 }, async () => {
        const response = await client
          .get('/api/v1/tenancy/merchant')
          .header('X-Merchant', merchant.slug)
          .header('X-Forwarded-For', ip)
        return response.status()
      })
    )
    assert.deepEqual(new Set(statuses), new Set([200]))
    // 20 requests spent exactly four leases: no claim was made twice for the same need.
    assert.equal(await counted(ip, merchant.id), 20)
  })

  test('limits of 20 or fewer lease one unit at a time; a lease is capped for huge limits', ({
    assert,
  }) => {
    assert.equal(new LeasedLimiter({ requests: 10, duration: '1 minute' }).leaseSize, 1)
    assert.equal(new LeasedLimiter({ requests: 20, duration: '1 minute' }).leaseSize, 1)
    assert.equal(new LeasedLimiter({ requests: 100, duration: '1 minute' }).leaseSize, 5)
    assert.equal(new LeasedLimiter({ requests: 1e8, duration: '1 minute' }).leaseSize, 1000)
  })

  test('a window Redis says is spent is refused from memory, and a partial lease is honoured', async ({
    assert,
  }) => {
    const limiter = new LeasedLimiter({ requests: 43, duration: '1 minute' })
    const key = `lease-test:${randomClientIp()}`
    // Another process already holds 40 of 43 units of this window.
    await redis.set(`ratelimit:${key}`, '40', 'PX', 60_000)
    const admitted: number[] = []
    let refused = 0
    for (let i = 0; i < 5; i++) {
      try {
        const response = await limiter.consume(key)
        admitted.push(response.remaining)
      } catch (error) {
        assert.equal((error as { code?: string }).code, 'E_TOO_MANY_REQUESTS')
        refused++
      }
    }
    // The lease of 2 units claimed 42 (2 granted), the next claim 44 (1 of 2 granted), then none.
    assert.deepEqual(admitted, [2, 1, 0])
    assert.equal(refused, 2)
    assert.equal(Number(await redis.get(`ratelimit:${key}`)), 44)
  })
})
