import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import { createMerchant, login } from '#tests/helpers'

test.group('observability', () => {
  test('/metrics exposes the request histogram by method, route and status', async ({ client, assert }) => {
    const { merchant } = await createMerchant()
    await client.get('/api/v1/tenancy/merchant').header('X-Merchant', merchant.slug)
    const response = await client.get('/metrics')
    response.assertStatus(200)
    assert.include(response.header('content-type'), 'text/plain')
    assert.match(response.text(), /http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/api\/v1\/tenancy\/merchant",status="200"/)
    assert.include(response.text(), 'performance_budget_exceeded_total')
    assert.match(response.text(), /db_query_duration_seconds_count\{[^}]*connection="control"/)
    assert.match(response.text(), /db_pool_available_connections\{[^}]*connection="node1"/)
    assert.match(response.text(), /active_merchants\{[^}]*\} [1-9]/)
  })

  test('a request slower than its module budget (seed 3.4 p99) is counted; a fast one is not', async ({ client, assert }) => {
    const { merchant } = await createMerchant({ tier: 'pre_ordering' })
    const count = async () => {
      const text = (await client.get('/metrics')).text()
      const line = text.split('\n').find((l) => l.startsWith('performance_budget_exceeded_total{') && l.includes('route="/api/v1/loyalty/slow"'))
      return line ? Number(line.split(' ').at(-1)) : 0
    }
    const before = await count()
    ;(await client.get('/api/v1/loyalty/slow?ms=5').header('X-Merchant', merchant.slug)).assertStatus(200)
    assert.equal(await count(), before)
    ;(await client.get('/api/v1/loyalty/slow?ms=320').header('X-Merchant', merchant.slug)).assertStatus(200)
    assert.equal(await count(), before + 1)
    const text = (await client.get('/metrics')).text()
    assert.match(text, /performance_budget_exceeded_total\{[^}]*category="menu",route="\/api\/v1\/loyalty\/slow"/)
  })

  test('/health answers; /ready checks PostgreSQL on the control database and every shard node, and Redis', async ({ client, assert }) => {
    ;(await client.get('/health')).assertStatus(200)
    const ready = await client.get('/ready')
    ready.assertStatus(200)
    assert.deepEqual(ready.body().checks, { 'postgres:control': 'ok', 'postgres:node0': 'ok', 'postgres:node1': 'ok', 'redis': 'ok' })
  })

  test('every response carries a request id; an incoming one is kept', async ({ client, assert }) => {
    const fresh = await client.get('/health')
    assert.match(fresh.header('x-request-id') ?? '', /^[0-9a-f-]{36}$/)
    const kept = await client.get('/health').header('X-Request-Id', 'trace-12345678')
    assert.equal(kept.header('x-request-id'), 'trace-12345678')
  })

  test('a logged password, token or authorization header appears redacted', async ({ assert }) => {
    const marker = `marker-${Date.now()}`
    logger.info({ marker, password: 'hunter2-secret', user: { token: 'tok-secret' }, headers: { authorization: 'Bearer abc-secret' } }, 'redaction check')
    const lines = readFileSync(env.get('LOG_FILE')!, 'utf8').split('\n').filter((line) => line.includes(marker))
    assert.lengthOf(lines, 1)
    assert.notInclude(lines[0], 'hunter2-secret')
    assert.notInclude(lines[0], 'tok-secret')
    assert.notInclude(lines[0], 'abc-secret')
    const entry = JSON.parse(lines[0])
    assert.equal(entry.password, '[REDACTED]')
    assert.equal(entry.user.token, '[REDACTED]')
  })

  test('request log lines carry the request id and the merchant id', async ({ client, assert }) => {
    const { merchant, email } = await createMerchant()
    const token = await login(client, email)
    const requestId = `req-${Date.now()}-abc`
    await client.get('/api/v1/tenancy/locations').bearerToken(token).header('X-Request-Id', requestId)
    const lines = readFileSync(env.get('LOG_FILE')!, 'utf8').split('\n').filter((line) => line.includes(requestId))
    assert.isAtLeast(lines.length, 1)
    const entry = JSON.parse(lines.at(-1)!)
    assert.equal(entry.request_id, requestId)
    assert.equal(entry.merchant_id, merchant.id)
    assert.equal(entry.status, 200)
  })
})
