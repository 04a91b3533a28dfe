import { test } from '@japa/runner'
import { randomInt } from 'node:crypto'
import env from '#start/env'
import { registry } from '#core/observability/metrics'
import { delivery } from '#notifications/services/delivery'
import { enqueueCommitted, inTenant, merchantWithSettings, outboxRow } from './helpers.js'

const randomPhone = () => `+1555${randomInt(1_000_000, 9_999_999)}`

async function cappedCount(labels: { channel: string; cap: string }) {
  const metric = await registry.getSingleMetric('notifications_capped_total')!.get()
  return (
    metric.values.find(
      (value) => value.labels.channel === labels.channel && value.labels.cap === labels.cap
    )?.value ?? 0
  )
}

/** Enqueues one order.created for these customer phones and runs each row's delivery once. */
async function sendTo(merchantId: string, phones: string[], key: string) {
  const ids = await enqueueCommitted(merchantId, {
    event: 'order.created',
    payload: {},
    recipients: { sms: phones },
    idempotencyKey: key,
  })
  const rows = []
  for (const id of ids) {
    await inTenant(merchantId, () => delivery.deliver(id))
    rows.push(await outboxRow(merchantId, id))
  }
  return rows as Array<{
    recipient: string
    status: string
    last_error: string | null
    attempts: number
  }>
}

test.group('notifications / send caps', () => {
  test('a customer address gets at most 5 messages an hour, across merchants; the shop’s own numbers are not capped', async ({
    client,
    assert,
  }) => {
    const staffPhone = randomPhone()
    const customer = randomPhone()
    const shop = await merchantWithSettings(client, {
      routes: { 'order.created': ['sms'] },
      sms_recipients: [staffPhone],
    })
    const other = await merchantWithSettings(client, { routes: { 'order.created': ['sms'] } })
    const before = await cappedCount({ channel: 'sms', cap: 'recipient_hour' })

    const outcomes: Array<[string, string]> = []
    for (let i = 0; i < 4; i++) {
      for (const row of await sendTo(shop.merchantId, [customer], `order:${i}`))
        outcomes.push([row.recipient === customer ? 'customer' : 'staff', row.status])
    }
    // The same address written differently, through another merchant: one address, one allowance.
    const spaced = `${customer.slice(0, 5)} ${customer.slice(5)}`
    for (let i = 0; i < 2; i++) {
      for (const row of await sendTo(other.merchantId, [spaced], `order:${i}`))
        outcomes.push(['customer', row.status])
    }
    const forCustomer = outcomes.filter(([who]) => who === 'customer').map(([, status]) => status)
    const forStaff = outcomes.filter(([who]) => who === 'staff').map(([, status]) => status)
    assert.deepEqual(forCustomer, [
      'completed',
      'completed',
      'completed',
      'completed',
      'completed',
      'failed',
    ])
    assert.deepEqual(forStaff, ['completed', 'completed', 'completed', 'completed'])

    const [capped] = await sendTo(other.merchantId, [customer], 'order:late')
    assert.equal(capped.status, 'failed')
    assert.equal(capped.last_error, 'E_SEND_CAPPED: recipient_hour')
    // Recorded once and final: a later delivery run does nothing.
    assert.equal(capped.attempts, 1)
    assert.deepEqual(await inTenant(other.merchantId, () => delivery.deliver((capped as any).id)), {
      outcome: 'skipped',
    })
    assert.equal(await cappedCount({ channel: 'sms', cap: 'recipient_hour' }), before + 2)
  })

  test('a merchant sends at most its daily number of customer messages', async ({
    client,
    assert,
    cleanup,
  }) => {
    env.set('NOTIFICATION_SENDS_PER_MERCHANT_DAY', '3')
    cleanup(() => env.set('NOTIFICATION_SENDS_PER_MERCHANT_DAY', '2000'))
    const shop = await merchantWithSettings(client, { routes: { 'order.created': ['sms'] } })
    const before = await cappedCount({ channel: 'sms', cap: 'merchant_day' })

    const rows = await sendTo(
      shop.merchantId,
      [randomPhone(), randomPhone(), randomPhone(), randomPhone(), randomPhone()],
      'order:1'
    )
    assert.deepEqual(rows.map((row) => row.status).sort(), [
      'completed',
      'completed',
      'completed',
      'failed',
      'failed',
    ])
    assert.sameMembers(
      rows.filter((row) => row.status === 'failed').map((row) => row.last_error),
      ['E_SEND_CAPPED: merchant_day', 'E_SEND_CAPPED: merchant_day']
    )
    assert.equal(await cappedCount({ channel: 'sms', cap: 'merchant_day' }), before + 2)
  })
})
