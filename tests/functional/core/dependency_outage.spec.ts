import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { runJobInTenant, shardRouter, tenantDb } from '#tenancy/index'
import { isDependencyUnavailable } from '#core/exceptions/dependency_unavailable'
import { randomClientIp, startAppProcess } from '#tests/support/app_process'
import { startTcpProxy, type TcpProxy } from '#tests/support/tcp_proxy'
import { buildMenu, createSlot, guest } from '#tests/functional/orders/orders_helpers'
import { createMerchantWithToken } from '#tests/support/merchants'

type Attempt = {
  key: string
  status: number
  code?: string
  retryAfter: string | null
  orderId?: string
}

async function placeOrder(url: string, slug: string, body: object, key: string): Promise<Attempt> {
  const response = await fetch(`${url}/api/v1/orders/m/${slug}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': key,
      'x-forwarded-for': randomClientIp(),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  }).catch((error: Error) => error)
  // No answer at all (the process died, or the request hung): counted as a failure of its own.
  if (response instanceof Error) return { key, status: 0, code: response.message, retryAfter: null }
  const json = (await response.json().catch(() => ({}))) as {
    errors?: Array<{ code: string }>
    data?: { id: string }
  }
  return {
    key,
    status: response.status,
    code: json.errors?.[0]?.code,
    retryAfter: response.headers.get('retry-after'),
    orderId: json.data?.id,
  }
}

/** Orders from a few concurrent clients until `done` settles; bounded in count. */
async function orderBurst(url: string, slug: string, body: object, done: Promise<unknown>) {
  const attempts: Attempt[] = []
  let stop = false
  void done.finally(() => (stop = true))
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let n = 0; n < 500 && !stop; n++)
        attempts.push(await placeOrder(url, slug, body, randomUUID()))
    })
  )
  return attempts
}

/** Retries a refused order with its own key, as a client honouring Retry-After does. */
async function retry(url: string, slug: string, body: object, attempt: Attempt) {
  let last = attempt
  for (let n = 0; n < 20 && last.status === 503; n++) {
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(Number(last.retryAfter) || 1, 5) * 1000)
    )
    last = await placeOrder(url, slug, body, attempt.key)
  }
  return last
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function summary(attempts: Attempt[]) {
  const counts: Record<string, number> = {}
  for (const attempt of attempts) {
    const label = `${attempt.status} ${attempt.code ?? ''}`.trim()
    counts[label] = (counts[label] ?? 0) + 1
  }
  return JSON.stringify(counts)
}

async function shopWithSlot(client: any) {
  const shop = await createMerchantWithToken()
  const menu = await buildMenu(client, shop.token)
  const slot = await createSlot(client, shop.token, { capacity: 10_000 })
  const body = {
    pickup_slot_id: slot.id,
    customer: guest,
    items: [{ item_id: menu.espresso.id, quantity: 1 }],
  }
  return { shop, body }
}

/** The app process's error lines (a 500 logs 'request failed' with the error). */
function loggedErrors(logFile: string) {
  const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n') : []
  return lines
    .filter((line) => line.includes('"level":50'))
    .slice(-3)
    .join('\n')
}

/**
 * After the outage: no 500; refusals are 503 with a code and Retry-After; each refused order goes through
 * when retried with its key; every acknowledged order exists exactly once.
 */
async function checkOutcome(
  assert: any,
  { url, logFile }: { url: string; logFile: string },
  shop: { slug: string; merchant: { id: string } },
  body: object,
  attempts: Attempt[]
) {
  const unexpected = attempts.filter((attempt) => attempt.status !== 201 && attempt.status !== 503)
  assert.deepEqual(
    unexpected,
    [],
    `only 201 or 503 during the outage, got ${summary(attempts)}; errors logged: ${loggedErrors(logFile)}`
  )
  const refused = attempts.filter((attempt) => attempt.status === 503)
  assert.isAbove(refused.length, 0, `the outage was seen by the burst: ${summary(attempts)}`)
  for (const attempt of refused) {
    assert.equal(attempt.code, 'E_SERVICE_UNAVAILABLE')
    assert.match(attempt.retryAfter ?? '', /^\d+$/)
  }
  const retried = await Promise.all(refused.map((attempt) => retry(url, shop.slug, body, attempt)))
  assert.deepEqual(
    retried.filter((attempt) => attempt.status !== 201),
    [],
    'every refused order goes through on retry with its key'
  )

  const acknowledged = attempts.length
  const { orders, keys } = await runJobInTenant({ merchantId: shop.merchant.id }, async () => {
    const orderCount = await tenantDb('write')
      .from('orders')
      .where('merchant_id', shop.merchant.id)
      .count('* as n')
      .first()
    const keyCount = await tenantDb('write')
      .from('order_idempotency_keys')
      .where('merchant_id', shop.merchant.id)
      .whereNotNull('order_id')
      .count('* as n')
      .first()
    return { orders: Number(orderCount.n), keys: Number(keyCount.n) }
  })
  const stored = await runJobInTenant({ merchantId: shop.merchant.id }, async () => {
    const rows = await tenantDb('write')
      .from('orders')
      .where('merchant_id', shop.merchant.id)
      .select('id')
    return new Set(rows.map((row: { id: string }) => row.id))
  })
  const answered = [...attempts.filter((attempt) => attempt.status === 201), ...retried]
  assert.deepEqual(
    answered.filter((attempt) => !stored.has(attempt.orderId!)),
    [],
    'every order answered 201 is stored'
  )
  assert.equal(orders, acknowledged, 'one order per key, none lost, none doubled')
  assert.equal(keys, acknowledged)
}

/**
 * An app process whose PostgreSQL or Redis (`variable` names its URL) goes through a proxy the test
 * cuts for 2.5 s while clients place orders, then restores.
 */
async function outageUnderLoad(
  client: any,
  assert: any,
  variable: 'DATABASE_URL' | 'REDIS_URL',
  cut: (proxy: TcpProxy) => Promise<void>
) {
  const { shop, body } = await shopWithSlot(client)
  const server = new URL(env.get(variable))
  const proxy = await startTcpProxy({
    host: server.hostname,
    port: Number(server.port || (variable === 'DATABASE_URL' ? 5432 : 6379)),
  })
  const proxied = new URL(server)
  proxied.host = `127.0.0.1:${proxy.port}`
  const logFile = join(tmpdir(), `outage-${randomUUID()}.log`)
  const app = await startAppProcess({ [variable]: proxied.toString(), LOG_FILE: logFile })
  try {
    const attempts = orderBurst(
      app.url,
      shop.slug,
      body,
      (async () => {
        await sleep(1500)
        await cut(proxy)
        await sleep(2500)
        await proxy.restore()
        await sleep(2500)
      })()
    )
    await checkOutcome(assert, { url: app.url, logFile }, shop, body, await attempts)
  } finally {
    await app.stop()
    await proxy.close()
    rmSync(logFile, { force: true })
  }
}

test.group('a dependency outage under load answers 503, never 500', () => {
  test('PostgreSQL: connections terminated by the server, then refused, then back', async ({
    client,
    assert,
  }) => {
    await outageUnderLoad(client, assert, 'DATABASE_URL', async (proxy) => {
      // As a restart does: the server ends every session (FATAL 57P01), then refuses connections.
      const ports = proxy.upstreamPorts()
      await db
        .connection('control')
        .rawQuery(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_port = ANY(?::int[])',
          [ports]
        )
      await proxy.cut()
    })
  }).timeout(120_000)

  test('Redis: connections dropped, then refused, then back', async ({ client, assert }) => {
    await outageUnderLoad(client, assert, 'REDIS_URL', (proxy) => proxy.cut())
  }).timeout(120_000)

  test('a COMMIT whose connection dies is reported as unavailable, never as a success', async ({
    assert,
  }) => {
    const { merchant } = await createMerchantWithToken()
    const key = `commit-${randomUUID()}`
    const attempt = runJobInTenant({ merchantId: merchant.id }, () =>
      shardRouter.transaction(async (trx) => {
        await trx.rawQuery(
          'INSERT INTO order_idempotency_keys (merchant_id, shard_id, key, request_hash) VALUES (?, ?, ?, ?)',
          [merchant.id, merchant.shardId, key, 'h']
        )
        const backend = await trx.rawQuery('SELECT pg_backend_pid() AS pid')
        const { pid } = backend.rows[0]
        // The server ends this session between the last statement and COMMIT (as a restart does).
        await db.connection('control').rawQuery('SELECT pg_terminate_backend(?)', [pid])
        await sleep(200)
      })
    )
    const error = await attempt.then(
      () => undefined,
      (reason: unknown) => reason
    )
    assert.exists(error, 'the transaction did not commit: it must not look like it did')
    assert.isTrue(isDependencyUnavailable(error))
    const row = await runJobInTenant({ merchantId: merchant.id }, () =>
      tenantDb('write')
        .from('order_idempotency_keys')
        .where({ merchant_id: merchant.id, key })
        .first()
    )
    assert.notExists(row)
  })
})
