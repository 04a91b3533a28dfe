import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { createMerchant, login } from '#tests/support/merchants'
import { metrics, sampleNow, startSampling, SAMPLE_EVERY_MS } from '#core/observability/metrics'
import { authorizeScrape } from '#core/observability/metrics_access'
import { eventually } from '#tests/support/eventually'
import { startWorkerProcess } from '#tests/support/app_process'
import { expectStatus, scrapeMetrics } from '#tests/support/http'

test.group('observability', () => {
  test('/metrics exposes the request histogram by method, route and status', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant()
    await client.get('/api/v1/tenancy/merchant').header('X-Merchant', merchant.slug)
    const response = await client.get('/metrics')
    response.assertStatus(200)
    assert.include(response.header('content-type'), 'text/plain')
    assert.match(
      response.text(),
      /http_request_duration_seconds_bucket\{[^}]*method="GET",route="\/api\/v1\/tenancy\/merchant",status="200"/
    )
    assert.include(response.text(), 'performance_budget_exceeded_total')
    assert.match(response.text(), /db_query_duration_seconds_count\{[^}]*connection="control"/)
    assert.match(response.text(), /db_pool_available_connections\{[^}]*connection="node1"/)
    assert.match(response.text(), /active_merchants\{[^}]*\} [1-9]/)
  })

  test('a request slower than its module budget (app/core/observability/budgets.ts) is counted; a fast one is not', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant({ tier: 'pre_ordering' })
    const count = async () => {
      const text = await scrapeMetrics(client)
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('performance_budget_exceeded_total{') &&
            l.includes('route="/api/v1/loyalty/slow"')
        )
      return line ? Number(line.split(' ').at(-1)) : 0
    }
    const before = await count()
    await expectStatus(
      client.get('/api/v1/loyalty/slow?ms=5').header('X-Merchant', merchant.slug),
      200
    )
    assert.equal(await count(), before)
    await expectStatus(
      client.get('/api/v1/loyalty/slow?ms=320').header('X-Merchant', merchant.slug),
      200
    )
    assert.equal(await count(), before + 1)
    const text = await scrapeMetrics(client)
    assert.match(
      text,
      /performance_budget_exceeded_total\{[^}]*category="menu",route="\/api\/v1\/loyalty\/slow"/
    )
  })

  test('/health answers; /ready checks PostgreSQL on the control database and every shard node, Redis and the worker heartbeat', async ({
    client,
    assert,
  }) => {
    await expectStatus(client.get('/health'), 200)
    await redis.del('queue:worker_heartbeat')
    await new Promise((resolve) => setTimeout(resolve, 1100)) // past the one-second reuse of the last answer
    const ready = await client.get('/ready')
    // No worker is running in this process: reported, but this process can serve, so it stays in rotation.
    ready.assertStatus(200)
    assert.deepEqual(ready.body(), {
      status: 'degraded',
      checks: {
        'postgres:control': 'ok',
        'postgres:node0': 'ok',
        'postgres:node1': 'ok',
        'redis': 'ok',
        'worker': 'failing',
      },
    })
  })

  test('/ready shows worker ok while `queue:work` runs, and its heartbeat expires within 15 s when it is killed', async ({
    client,
    assert,
  }) => {
    await redis.del('queue:worker_heartbeat')
    const worker = await startWorkerProcess()
    try {
      const body = await eventually('worker heartbeat in /ready', async () => {
        const response = await client.get('/ready')
        return response.body().checks.worker === 'ok' && response.body()
      })
      assert.equal(body.status, 'ready')
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      worker.kill('SIGKILL')
      await exited
      const ttl = await redis.pttl('queue:worker_heartbeat')
      assert.isAbove(ttl, 0, 'the heartbeat expires by itself')
      assert.isAtMost(ttl, 15_000)
    } finally {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL')
    }
  }).timeout(60_000)

  test('/metrics needs the bearer token when METRICS_TOKEN is set', async ({ client, assert }) => {
    const token = `metrics-${randomUUID()}`
    env.set('METRICS_TOKEN', token)
    try {
      const anonymous = await client.get('/metrics')
      anonymous.assertStatus(401)
      assert.equal(anonymous.body().errors[0].code, 'E_METRICS_TOKEN_REQUIRED')
      assert.notInclude(anonymous.text(), 'http_request_duration_seconds')
      await expectStatus(client.get('/metrics').bearerToken(`${token}x`), 401)
      await expectStatus(client.get('/metrics').header('X-Forwarded-For', '127.0.0.1'), 401)
      const scraped = await client.get('/metrics').bearerToken(token)
      scraped.assertStatus(200)
      assert.include(scraped.text(), 'http_request_duration_seconds')
    } finally {
      env.set('METRICS_TOKEN', '')
      delete process.env.METRICS_TOKEN
    }
  })

  test('without METRICS_TOKEN, /metrics answers loopback clients outside production and nobody in production', async ({
    assert,
  }) => {
    const request = (remoteAddress: string) =>
      ({ request: { header: () => undefined, request: { socket: { remoteAddress } } } }) as any
    assert.doesNotThrow(() => authorizeScrape(request('127.0.0.1'), { loopbackWithoutToken: true }))
    assert.doesNotThrow(() =>
      authorizeScrape(request('::ffff:127.0.0.1'), { loopbackWithoutToken: true })
    )
    assert.throws(
      () => authorizeScrape(request('203.0.113.9'), { loopbackWithoutToken: true }),
      /METRICS_TOKEN/
    )
    assert.throws(
      () => authorizeScrape(request('127.0.0.1'), { loopbackWithoutToken: false }),
      /METRICS_TOKEN/
    )
  })

  test('a scrape runs no query: queue depth and merchant counts are sampled on a timer', async ({
    client,
    assert,
  }) => {
    await client.get('/metrics') // starts the sampling timer
    const queries: string[] = []
    const listeners = [...db.manager.connections.keys()].map((name) => {
      const knex = db.connection(name).getWriteClient()
      const listener = (query: { sql: string }) => queries.push(query.sql)
      knex.on('query', listener)
      return () => knex.off('query', listener)
    })
    try {
      for (let scrape = 0; scrape < 3; scrape++) {
        const text = await scrapeMetrics(client)
        assert.match(text, /notification_outbox_rows\{[^}]*status="pending"/)
        assert.match(text, /active_merchants\{[^}]*\} \d+/)
      }
    } finally {
      for (const off of listeners) off()
    }
    // Three scrapes that each sampled would show three rounds; the 10 s timer may add at most one.
    const rounds = (pattern: RegExp) => queries.filter((sql) => pattern.test(sql)).length
    assert.isAtMost(rounds(/notification_queue/), 1)
    assert.isAtMost(rounds(/merchants/), 1)
  })

  test('a sampled gauge shows what its sampler last read (the timer runs sampleNow every SAMPLE_EVERY_MS)', async ({
    assert,
  }) => {
    let calls = 0
    const gauge = metrics.sampled({
      name: `sampled_probe_${Date.now()}`,
      help: 'test probe',
      async sample(probe) {
        probe.set(++calls)
      },
    })
    await startSampling()
    await sampleNow()
    assert.isAtLeast(calls, 1)
    const sampled = await gauge.get()
    assert.equal(sampled.values[0].value, calls)
    assert.isAtMost(
      SAMPLE_EVERY_MS,
      15_000,
      'refreshed at least as often as a usual scrape interval'
    )
  })

  test('every response carries a request id; an incoming one is kept', async ({
    client,
    assert,
  }) => {
    const fresh = await client.get('/health')
    assert.match(fresh.header('x-request-id') ?? '', /^[0-9a-f-]{36}$/)
    const kept = await client.get('/health').header('X-Request-Id', 'trace-12345678')
    assert.equal(kept.header('x-request-id'), 'trace-12345678')
  })

  test('a logged password, token or authorization header appears redacted', async ({ assert }) => {
    const marker = `marker-${Date.now()}`
    logger.info(
      {
        marker,
        password: 'hunter2-secret',
        user: { token: 'tok-secret' },
        headers: { authorization: 'Bearer abc-secret' },
      },
      'redaction check'
    )
    const lines = readFileSync(env.get('LOG_FILE')!, 'utf8')
      .split('\n')
      .filter((line) => line.includes(marker))
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
    await client
      .get('/api/v1/tenancy/locations')
      .bearerToken(token)
      .header('X-Request-Id', requestId)
    const lines = readFileSync(env.get('LOG_FILE')!, 'utf8')
      .split('\n')
      .filter((line) => line.includes(requestId))
    assert.isAtLeast(lines.length, 1)
    const entry = JSON.parse(lines.at(-1)!)
    assert.equal(entry.request_id, requestId)
    assert.equal(entry.merchant_id, merchant.id)
    assert.equal(entry.status, 200)
  })

  test('a line the request logs itself (the error handler on a 500) carries the request and merchant ids', async ({
    client,
    assert,
  }) => {
    const { merchant } = await createMerchant({ tier: 'pre_ordering' })
    const requestId = `req-${Date.now()}-boom`
    const response = await client
      .post('/api/v1/loyalty/boom')
      .header('X-Merchant', merchant.slug)
      .header('X-Request-Id', requestId)
      .json({})
    response.assertStatus(500)
    const failed = readFileSync(env.get('LOG_FILE')!, 'utf8')
      .split('\n')
      .filter((line) => line.includes(requestId) && line.includes('request failed'))
    assert.lengthOf(failed, 1)
    const entry = JSON.parse(failed[0])
    assert.equal(entry.request_id, requestId)
    assert.equal(entry.merchant_id, merchant.id)
  })
})
