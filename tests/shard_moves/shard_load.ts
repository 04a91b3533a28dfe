import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient, ApiResponse } from '@japa/api-client'
import { createMerchantWithToken, type MerchantOptions } from '#tests/support/merchants'
import { randomClientIp } from '#tests/support/app_process'
import { buildMenu, createSlot, guest, staffToken } from '#tests/functional/orders/orders_helpers'

/** A merchant (pre_ordering: menu, orders, chat, analytics), its menu and a roomy pickup slot. */
export async function prepareShardMerchant(client: ApiClient, options: MerchantOptions = {}) {
  const shop = await createMerchantWithToken(options)
  const menu = await buildMenu(client, shop.token)
  const slot = await createSlot(client, shop.token, { capacity: 10_000 })
  return { ...shop, menu, slot }
}
export type ShardMerchant = Awaited<ReturnType<typeof prepareShardMerchant>>

export type LoadReport = {
  /** Every write answered 2xx; menu_items holds each item's last acknowledged state. */
  acknowledged: {
    orders: string[]
    order_transitions: Array<{ id: string; status: string }>
    /** One batch per entry, with a session id of its own. */
    analytics_events: Array<{ session_id: string; count: number }>
    conversations: string[]
    messages: string[]
    menu_items: Array<{ id: string; name: string; price_minor: number }>
  }
  /** 503 E_SERVICE_UNAVAILABLE answers that were retried. */
  retried: number
  /** Any other non-2xx answer or exception: method, path, status, body. */
  errors: string[]
  writes: number
  seconds: number
}
export type ShardLoad = { stop(): Promise<LoadReport> }

const STAFF_USES = 80 // the `api` limit is 100 a minute per user
const MAX_RETRIES = 300
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Writes to one merchant from `concurrency` loops until stop(): guest orders (Idempotency-Key)
 * moved to completed by staff, analytics batches, chat messages both ways, and menu item edits.
 * Each loop pauses `pauseMs` after a write (4 loops: some 45-50 writes/s).
 */
export async function startShardLoad(options: {
  client: ApiClient
  merchant: ShardMerchant
  concurrency?: number
  pauseMs?: number
}): Promise<ShardLoad> {
  const { client, merchant: shop } = options
  const pauseMs = options.pauseMs ?? 60
  const slug = shop.merchant.slug
  const report: LoadReport = {
    acknowledged: {
      orders: [],
      order_transitions: [],
      analytics_events: [],
      conversations: [],
      messages: [],
      menu_items: [],
    },
    retried: 0,
    errors: [],
    writes: 0,
    seconds: 0,
  }
  const ack = report.acknowledged
  const started = Date.now()
  let stopped = false

  // Staff writes: a fresh manager each STAFF_USES writes, so none reaches the per-user rate limit.
  let staff = { token: '', left: 0 }
  async function asStaff(method: 'post' | 'patch', path: string, body: object) {
    if (staff.left <= 0)
      staff = { token: await staffToken(shop.merchant.id, 'manager'), left: STAFF_USES }
    staff.left--
    const token = staff.token
    return write(`${method.toUpperCase()} ${path}`, () =>
      client[method](path).bearerToken(token).json(body)
    )
  }
  /** Guest writes: each from a random address (the guest limits are per address and merchant). */
  function asGuest(path: string, body: object, headers: Record<string, string> = {}) {
    const ip = randomClientIp()
    return write(`POST ${path}`, () =>
      client
        .post(path)
        .headers({ ...headers, 'X-Forwarded-For': ip })
        .json(body)
    )
  }

  /** One write, resent on 503 E_SERVICE_UNAVAILABLE: on 2xx its data (and token), else null. */
  async function write(label: string, send: () => PromiseLike<ApiResponse>): Promise<any> {
    try {
      for (let attempt = 0; ; attempt++) {
        const response = await send()
        const status = response.status()
        if (status >= 200 && status < 300) {
          report.writes++
          return { token: response.body().token, ...response.body().data }
        }
        const unavailable =
          status === 503 && response.body()?.errors?.[0]?.code === 'E_SERVICE_UNAVAILABLE'
        if (!unavailable || attempt >= MAX_RETRIES) {
          report.errors.push(`${label} ${status} ${response.text()}`)
          return null
        }
        report.retried++
        await sleep(50 + Math.random() * 150)
      }
    } catch (error) {
      report.errors.push(`${label} threw ${(error as Error).stack ?? error}`)
      return null
    } finally {
      await sleep(pauseMs)
    }
  }

  async function orderLifecycle() {
    const order = await asGuest(
      `/api/v1/orders/m/${slug}`,
      {
        pickup_slot_id: shop.slot.id,
        customer: guest,
        items: [{ item_id: shop.menu.espresso.id, quantity: 1 }],
      },
      { 'Idempotency-Key': randomUUID() }
    )
    if (!order) return
    ack.orders.push(order.id)
    for (const status of ['accepted', 'preparing', 'ready', 'completed']) {
      if (stopped || !(await asStaff('patch', `/api/v1/orders/${order.id}/status`, { status })))
        return
      ack.order_transitions.push({ id: order.id, status })
    }
  }

  async function ingest() {
    const session = `load-${randomUUID()}`
    const events = [
      { type: 'menu_view', session_id: session },
      { type: 'add_to_cart', session_id: session, data: { item_id: shop.menu.latte.id } },
    ]
    const done = await asGuest(`/api/v1/analytics/m/${slug}/events`, { events })
    if (done) ack.analytics_events.push({ session_id: session, count: done.accepted })
  }

  /** A customer's question on their conversation token, then a staff answer. */
  async function chat(conversation: { id: string; token: string }, n: number) {
    const path = `/api/v1/notifications/m/${slug}/conversations/${conversation.id}/messages`
    const headers = { 'X-Conversation-Token': conversation.token }
    const asked = await asGuest(path, { body: `question ${n}` }, headers)
    if (asked) ack.messages.push(asked.id)
    if (stopped) return
    const staffPath = `/api/v1/notifications/conversations/${conversation.id}/messages`
    const answered = await asStaff('post', staffPath, { body: `answer ${n}` })
    if (answered) ack.messages.push(answered.id)
  }

  /** Alternates a price and a name change of the loop's own item (no two loops share one). */
  async function editMenu(item: { id: string; name: string; price_minor: number }, n: number) {
    const change =
      n % 2 ? { price_minor: 100 + (n % 400) } : { name: `${item.id.slice(0, 8)} v${n}` }
    const updated = await asStaff('patch', `/api/v1/menu/items/${item.id}`, change)
    if (updated) Object.assign(item, { name: updated.name, price_minor: updated.price_minor })
  }

  async function loop(index: number) {
    const created = await asStaff('post', '/api/v1/menu/items', {
      category_id: shop.menu.drinks.id,
      name: `Load item ${index}`,
      price_minor: 200,
      currency: 'EUR',
    })
    const item = created && { id: created.id, name: created.name, price_minor: created.price_minor }
    if (item) ack.menu_items.push(item)
    const conversation = await asGuest(`/api/v1/notifications/m/${slug}/conversations`, {
      name: `Guest ${index}`,
      email: 'guest@mail.test',
    })
    if (conversation) ack.conversations.push(conversation.id)
    for (let n = 1; !stopped; n++) {
      await orderLifecycle()
      if (!stopped) await ingest()
      if (!stopped && conversation) await chat(conversation, n)
      if (!stopped && item) await editMenu(item, n)
    }
  }

  const loops = Array.from({ length: options.concurrency ?? 4 }, (_, index) => loop(index))
  return {
    async stop() {
      stopped = true
      await Promise.all(loops)
      report.seconds = (Date.now() - started) / 1000
      return report
    },
  }
}

/** Every write the load saw acknowledged is on `node`, in its last acknowledged state. */
export async function assertAcknowledgedOn(assert: any, node: string, report: LoadReport) {
  const ack = report.acknowledged
  const client = db.connection(node, { mode: 'write' })
  const orders = await client.from('orders').whereIn('id', ack.orders).select('id', 'status')
  assert.lengthOf(orders, ack.orders.length, 'acknowledged orders')
  const expected = new Map(ack.orders.map((id) => [id, 'pending']))
  for (const { id, status } of ack.order_transitions) expected.set(id, status)
  for (const order of orders)
    assert.equal(order.status, expected.get(order.id), `order ${order.id}`)
  const messages = await client.from('messages').whereIn('id', ack.messages).count('* as n')
  assert.equal(Number(messages[0].n), ack.messages.length, 'acknowledged messages')
  for (const item of ack.menu_items) {
    const row = await client.from('menu_items').where('id', item.id).first()
    assert.include(row, { name: item.name, price_minor: item.price_minor }, `menu item ${item.id}`)
  }
  for (const batch of ack.analytics_events) {
    const [row] = await client
      .from('analytics_events')
      .where('session_id', batch.session_id)
      .count('* as n')
    assert.isAtLeast(Number(row.n), batch.count, `analytics session ${batch.session_id}`)
  }
}

/** Runs `during` while both merchants are written to; returns both loads' reports. */
export async function underLoad(
  client: ApiClient,
  shops: { moving: ShardMerchant; other: ShardMerchant },
  during: () => Promise<unknown>
) {
  const moving = await startShardLoad({ client, merchant: shops.moving })
  const other = await startShardLoad({ client, merchant: shops.other })
  let failure: unknown
  try {
    await sleep(1500)
    await during()
    await sleep(1500)
  } catch (error) {
    failure = error
  }
  // Stopped whatever happens: loads left running would keep the test process alive.
  const reports = { moving: await moving.stop(), other: await other.stop() }
  if (failure) throw failure
  return reports
}
