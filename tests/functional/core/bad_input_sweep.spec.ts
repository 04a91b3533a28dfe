import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import server from '@adonisjs/core/services/server'
import db from '@adonisjs/lucid/services/db'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import rateLimits from '#config/rate_limits'
import { loyaltyReportsModule } from '#tests/fixtures/modules'
import { randomClientIp } from '#tests/support/app_process'
import { inPool, sendRaw, type RawResponse } from '#tests/support/raw_http'
import {
  badRequests,
  plainRequests,
  registeredRoutes,
  type AuthKind,
  type ParamValues,
  type SweepRequest,
} from '#tests/support/bad_input'
import { buildMenu, createSlot, postOrder } from '#tests/functional/orders/orders_helpers'
import { seedCustomerData, inTenant, tenantDb } from '#tests/functional/compliance/helpers'
import { createMerchantWithToken } from '#tests/support/merchants'
import { SECOND_FACTOR_ABILITY } from '#tenancy/services/second_factor_login'

/**
 * Bad input on every route gives no 5xx, every 4xx is our JSON error shape, and no route shows one
 * merchant's data to another merchant's staff or to anonymous callers.
 */

/** A full-suite shop with data on every kind of object a path can name, and values that only its staff may see. */
async function seedShop(client: ApiClient, tag: string) {
  const shop = await createMerchantWithToken({ tier: 'full_suite' })
  const unique = `${tag}-${randomUUID().slice(0, 8)}`
  const post = async (url: string, body: object) => {
    const response = await client.post(url).bearerToken(shop.token).json(body)
    if (response.status() >= 300) throw new Error(`${url}: ${response.status()} ${response.text()}`)
    return response.body().data
  }
  const menu = await buildMenu(client, shop.token)
  const hidden = await post('/api/v1/menu/items', {
    category_id: menu.drinks.id,
    name: `Hidden ${unique}`,
    price_minor: 100,
    currency: 'EUR',
    is_active: false,
  })
  const location = await post('/api/v1/tenancy/locations', {
    name: `Location ${unique}`,
    address: `1 ${unique} Street`,
  })
  const exported = await post('/api/v1/menu/exports', { format: 'json' })
  const imported = await post('/api/v1/menu/imports', {
    format: 'json',
    content: '{"categories":[]}',
  })
  const settings = await client
    .put('/api/v1/notifications/settings')
    .bearerToken(shop.token)
    .json({ email_recipients: [`ops-${unique}@mail.test`] })
  settings.assertStatus(200)
  const slot = await createSlot(client, shop.token, { capacity: 10 })
  const guest = {
    name: `Guest ${unique}`,
    email: `guest-${unique}@mail.test`,
    phone: `+4479${Math.floor(1e7 + Math.random() * 9e7)}`,
  }
  const placed = await postOrder(client, shop.slug, {
    pickup_slot_id: slot.id,
    customer: guest,
    items: [{ item_id: menu.espresso.id, quantity: 1 }],
  })
  placed.assertStatus(201)
  const order = placed.body().data
  const owner = await User.findByOrFail('email', shop.email)
  const customer = {
    name: `Chatter ${unique}`,
    email: `chatter-${unique}@mail.test`,
    userId: owner.id,
  }
  const conversationId = await seedCustomerData(shop.merchant.id, customer)
  const [outbox, push, channels] = await inTenant(shop.merchant.id, () =>
    Promise.all(
      ['notification_queue', 'push_subscriptions', 'notification_settings'].map((table) =>
        tenantDb('write').from(table).where({ merchant_id: shop.merchant.id }).first()
      )
    )
  )

  const ids: ParamValues = {
    'merchantSlug': shop.slug,
    'slug': shop.slug,
    'merchant': shop.merchant.id,
    'module': loyaltyReportsModule.name,
    'categories': menu.drinks.id,
    'items': menu.latte.id,
    'modifier-groups': menu.milk.id,
    'modifier-options': menu.oat.id,
    'imports': imported.id,
    'exports': exported.id,
    'orders': order.id,
    'pickup-slots': slot.id,
    'locations': location.id,
    'outbox': outbox.id,
    'push-subscriptions': push.id,
    'conversations': conversationId,
    'hidden-items': hidden.id,
  }
  // Only the shop's staff (and platform support) may see these; the public menu shows none of them.
  const privateValues = [
    shop.email,
    guest.name,
    guest.email,
    guest.phone,
    order.id,
    order.tracking_token,
    customer.name,
    customer.email,
    conversationId,
    `ops-${unique}@mail.test`,
    hidden.name,
    hidden.id,
    location.name,
    location.id,
    String(outbox.id),
    String(push.id),
    push.endpoint,
    exported.id,
    imported.id,
    ...(channels.webhook_secret ? [channels.webhook_secret] : []),
  ]
  // Public on the shop's own menu, but never shown to another merchant's staff (their token names their shop).
  const tenantValues = [
    ...privateValues,
    shop.merchant.id,
    menu.drinks.id,
    menu.latte.id,
    menu.milk.id,
    menu.oat.id,
    slot.id,
  ]
  return { ...shop, ids, privateValues, tenantValues }
}

/**
 * A fresh token per request (a route that ends a session, like logout, cannot spoil the requests
 * after it), and a new user every `perUser` requests so the per-user API limit is not what answers.
 */
function tokenPool(perUser: number, create: () => Promise<{ user: User; abilities: string[] }>) {
  let current: ReturnType<typeof create> | undefined
  let used = 0
  return async () => {
    if (!current || used >= perUser) {
      current = create()
      used = 0
    }
    used++
    const { user, abilities } = await current
    const token = await User.accessTokens.create(user, abilities)
    return `Bearer ${token.value!.release()}`
  }
}

/** Every row of the shop in the tables staff manage: none may change when someone else sends bad input. */
async function shopRows(merchantId: string) {
  const shardTables = [
    'menu_categories',
    'menu_items',
    'menu_modifier_groups',
    'menu_modifier_options',
    'locations',
    'orders',
    'order_items',
    'pickup_slots',
    'conversations',
    'messages',
    'notification_settings',
    'push_subscriptions',
  ]
  const rows: Record<string, unknown> = {}
  await inTenant(merchantId, async () => {
    for (const table of shardTables)
      rows[table] = await tenantDb('write').from(table).where({ merchant_id: merchantId })
  })
  const control = db.connection('control')
  rows.merchants = await control.from('merchants').where({ id: merchantId })
  rows.memberships = await control.from('memberships').where({ merchant_id: merchantId })
  rows.merchant_module_overrides = await control
    .from('merchant_module_overrides')
    .where({ merchant_id: merchantId })
  return Object.fromEntries(
    Object.entries(rows).map(([table, list]) => [
      table,
      (list as object[]).map((row) => JSON.stringify(row)).sort(),
    ])
  )
}

type Finding = { request: SweepRequest; response: RawResponse; problem: string }

function describeFinding({ request, response, problem }: Finding) {
  return `${request.route} [${request.auth}, ${request.label}] ${request.method} ${request.path.slice(0, 120)} -> ${response.status}: ${problem} ${response.text.slice(0, 300)}`
}

function errorShapeProblem(response: RawResponse) {
  let body: any
  try {
    body = JSON.parse(response.text)
  } catch {
    return 'a 4xx that is not JSON'
  }
  const errors = body?.errors
  if (!Array.isArray(errors) || errors.length === 0) return 'a 4xx without an errors array'
  const bad = errors.find(
    (error: any) =>
      typeof error?.code !== 'string' || !error.code || typeof error?.message !== 'string'
  )
  return bad ? 'an error without a code and a message' : null
}

/**
 * The OAuth token endpoint answers in RFC 6749 5.2's shape, which OAuth clients read, rather than ours
 * (docs/decisions/marketplace.md, "OAuth install").
 */
const RFC_6749_ERRORS = new Set(['POST /oauth/token'])

function oauthErrorShapeProblem(response: RawResponse) {
  let body: any
  try {
    body = JSON.parse(response.text)
  } catch {
    return 'a 4xx that is not JSON'
  }
  if (typeof body?.error !== 'string' || !body.error) return 'an OAuth error without error'
  return typeof body.error_description === 'string' ? null : 'an OAuth error without description'
}

/** The values in `watched` that the answer shows, other than those the request itself carried. */
function leaked(request: SweepRequest, response: RawResponse, watched: string[]) {
  const sent =
    `${request.path} ${JSON.stringify(request.headers)} ${request.body ?? ''}`.toLowerCase()
  const received = response.text.toLowerCase()
  return watched.filter(
    (value) => received.includes(value.toLowerCase()) && !sent.includes(value.toLowerCase())
  )
}

type Shop = Awaited<ReturnType<typeof seedShop>>

/**
 * Sends the requests (a few at a time) and checks each answer: no 5xx, 4xx in our error shape, and
 * none of the watched values of a merchant the caller may not see.
 */
class Sweep {
  findings: Finding[] = []
  statuses = new Map<number, number>()
  sent = 0

  constructor(
    private port: number,
    private tokens: Record<'staff' | 'support', () => Promise<string>>,
    private ours: Shop,
    private theirs: Shop
  ) {}

  async run(requests: SweepRequest[]) {
    const answers = new Map<SweepRequest, RawResponse>()
    await inPool(requests, 8, async (request) => {
      const response = await this.#send(request)
      if (response) answers.set(request, response)
    })
    return answers
  }

  async #send(request: SweepRequest) {
    this.sent++
    const headers: Record<string, string> = {
      'X-Forwarded-For': randomClientIp(),
      ...request.headers,
    }
    if (request.auth === 'staff' || request.auth === 'support')
      headers.Authorization = await this.tokens[request.auth]()
    let response: RawResponse
    try {
      response = await sendRaw(this.port, { ...request, headers })
    } catch (error) {
      this.findings.push({
        request,
        response: { status: 0, contentType: '', text: '' },
        problem: `no answer (${(error as Error).message})`,
      })
      return
    }
    this.statuses.set(response.status, (this.statuses.get(response.status) ?? 0) + 1)
    const problems: string[] = []
    // The readiness probe answers 503 when a dependency is not ready: that is its contract, not a failure on input.
    if (response.status >= 500 && !(response.status === 503 && request.route.endsWith(' /ready')))
      problems.push('a 5xx')
    if (response.status >= 400 && response.status < 500 && request.method !== 'HEAD') {
      const shape = RFC_6749_ERRORS.has(request.route)
        ? oauthErrorShapeProblem(response)
        : errorShapeProblem(response)
      if (shape) problems.push(shape)
    }
    const watched =
      request.auth === 'staff'
        ? this.theirs.tenantValues
        : request.auth === 'support'
          ? []
          : [...this.ours.privateValues, ...this.theirs.privateValues]
    const shown = leaked(request, response, watched)
    if (shown.length) problems.push(`shows ${shown.join(', ')}`)
    for (const problem of problems) this.findings.push({ request, response, problem })
    return response
  }

  summary() {
    return [...this.statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ')
  }
}

test.group('bad input sweep', () => {
  test("bad input on every route answers 4xx JSON errors, never 5xx, and never another merchant's data", async ({
    client,
    assert,
  }) => {
    const ours = await seedShop(client, 'ours')
    const theirs = await seedShop(client, 'theirs')
    const theirRowsBefore = await shopRows(theirs.merchant.id)

    const routes = registeredRoutes()
    // The registry's module routes, admin, auth, public menu, orders, analytics, compliance and web UI are all there.
    const names = routes.map((route) => `${route.method} ${route.pattern}`)
    for (const expected of [
      'POST /api/v1/auth/login',
      'GET /api/v1/menus/:merchantSlug',
      'POST /api/v1/orders/m/:merchantSlug',
      'GET /api/v1/admin/merchants',
      'POST /api/v1/admin/gdpr/exports',
      'GET /api/v1/analytics/dashboard',
      'GET /m/:slug',
      'GET /api/v1/loyalty/ping',
    ]) {
      assert.include(names, expected)
    }

    const perUser = Math.floor(rateLimits.api.requests * 0.8)
    const staff = tokenPool(perUser, async () => {
      const user = await User.create({
        email: `sweep-${randomUUID()}@staff.test`,
        fullName: 'Sweep',
      })
      await Membership.create({ userId: user.id, merchantId: ours.merchant.id, role: 'owner' })
      return { user, abilities: [`merchant:${ours.merchant.id}`] }
    })
    const support = tokenPool(perUser, async () => {
      const user = await User.create({
        email: `sweep-${randomUUID()}@support.test`,
        platformRole: 'support',
      })
      // As the two-step login issues it: the admin API refuses support tokens without it.
      return { user, abilities: ['*', SECOND_FACTOR_ABILITY] }
    })
    const { port } = server.getNodeServer()!.address() as { port: number }
    const sweep = new Sweep(port, { staff, support }, ours, theirs)

    const plain = await sweep.run(routes.flatMap((route) => plainRequests(route, ours.ids)))
    const admitted = (route: string) =>
      (['anonymous', 'staff', 'support'] as AuthKind[]).filter((auth) =>
        [...plain].some(
          ([request, response]) =>
            request.route === route &&
            request.auth === auth &&
            ![401, 403].includes(response.status)
        )
      )
    await sweep.run(
      routes.flatMap((route) =>
        badRequests(route, ours.ids, theirs.ids, admitted(`${route.method} ${route.pattern}`))
      )
    )

    // The watched values are real and found when shown: the other merchant's own staff see them on the same route.
    const control: SweepRequest = {
      route: 'control',
      label: 'own staff',
      auth: 'staff',
      method: 'GET',
      path: `/api/v1/orders/${theirs.ids.orders}`,
      headers: {},
    }
    const own = await sendRaw(port, {
      ...control,
      headers: { Authorization: `Bearer ${theirs.token}` },
    })
    assert.isNotEmpty(leaked(control, own, theirs.tenantValues))

    const shown = sweep.findings.slice(0, 40).map(describeFinding).join('\n')
    assert.isTrue(
      sweep.findings.length === 0,
      `${sweep.findings.length} findings over ${sweep.sent} requests (${sweep.summary()}):\n${shown}`
    )
    // The limiters may answer some of these (429 is a fine answer), but not so many that the sweep tests nothing.
    assert.isBelow(
      sweep.statuses.get(429) ?? 0,
      sweep.sent * 0.1,
      `too many 429s: ${sweep.summary()}`
    )
    assert.deepEqual(
      await shopRows(theirs.merchant.id),
      theirRowsBefore,
      "the other merchant's rows changed"
    )
  }).timeout(300_000)

  test('a body that is not what its Content-Encoding says is a 400, not a 500', async ({
    assert,
  }) => {
    const { port } = server.getNodeServer()!.address() as { port: number }
    const response = await sendRaw(port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
        'X-Forwarded-For': randomClientIp(),
      },
      body: '{"email":"a@b.test","password":"x"}',
    })
    assert.equal(response.status, 400)
    assert.equal(JSON.parse(response.text).errors[0].code, 'E_INVALID_BODY')
  })

  test('text with a NUL character is a 400 with a code, not a database error', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const response = await client
      .post('/api/v1/tenancy/locations')
      .bearerToken(shop.token)
      .json({ name: 'Kiosk\u0000' })
    response.assertStatus(400)
    assert.equal(response.body().errors[0].code, 'E_INVALID_TEXT')
  })
})
