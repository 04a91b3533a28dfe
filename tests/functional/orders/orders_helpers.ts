import { randomUUID } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { runJobInTenant, tenantDb } from '#tenancy/index'
import type { StaffRole } from '#tenancy/types'
import { issueToken, TEST_PASSWORD } from '#tests/support/merchants'
import { randomClientIp } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'

/** A user with the given role at the merchant. */
export async function staffToken(merchantId: string, role: StaffRole) {
  const email = `${role}-${randomUUID().slice(0, 8)}@staff.test`
  const user = await User.create({ email, password: TEST_PASSWORD, fullName: role })
  await Membership.create({ userId: user.id, merchantId, role })
  return issueToken(email, merchantId)
}

/** A signed-in customer: a user with no membership (a token without a merchant). */
export async function customerToken() {
  const email = `customer-${randomUUID().slice(0, 8)}@mail.test`
  const user = await User.create({ email, password: TEST_PASSWORD, fullName: 'Customer' })
  return { email, userId: user.id, token: await issueToken(email) }
}

/**
 * A coffee menu built through the staff API:
 *   Drinks: Latte 3.50 (Milk: required, whole +0 / oat +0.50 / soy out of stock; Extras: 0..2, shot +0.70, syrup +0.40, cream +0.30),
 *           Espresso 1.50, Mocha (sold out), Secret (inactive)
 *   Breakfast (07:00-11:00 local): Cornetto 1.80
 */
export async function buildMenu(client: ApiClient, token: string) {
  const post = async (url: string, body: object) => {
    const response = await client.post(url).bearerToken(token).json(body)
    response.assertStatus(201)
    return response.body().data
  }
  const drinks = await post('/api/v1/menu/categories', { name: 'Drinks' })
  const breakfast = await post('/api/v1/menu/categories', {
    name: 'Breakfast',
    availability: [{ start: '07:00', end: '11:00' }],
  })
  const latte = await post('/api/v1/menu/items', {
    category_id: drinks.id,
    name: 'Latte',
    price_minor: 350,
    currency: 'EUR',
  })
  const espresso = await post('/api/v1/menu/items', {
    category_id: drinks.id,
    name: 'Espresso',
    price_minor: 150,
    currency: 'EUR',
  })
  const mocha = await post('/api/v1/menu/items', {
    category_id: drinks.id,
    name: 'Mocha',
    price_minor: 400,
    currency: 'EUR',
    sold_out: true,
  })
  const secret = await post('/api/v1/menu/items', {
    category_id: drinks.id,
    name: 'Secret',
    price_minor: 100,
    currency: 'EUR',
    is_active: false,
  })
  const cornetto = await post('/api/v1/menu/items', {
    category_id: breakfast.id,
    name: 'Cornetto',
    price_minor: 180,
    currency: 'EUR',
  })
  const milk = await post(`/api/v1/menu/items/${latte.id}/modifier-groups`, {
    name: 'Milk',
    is_required: true,
    max_select: 1,
  })
  const whole = await post(`/api/v1/menu/modifier-groups/${milk.id}/options`, {
    name: 'Whole milk',
  })
  const oat = await post(`/api/v1/menu/modifier-groups/${milk.id}/options`, {
    name: 'Oat milk',
    price_delta_minor: 50,
  })
  const soy = await post(`/api/v1/menu/modifier-groups/${milk.id}/options`, {
    name: 'Soy milk',
    price_delta_minor: 50,
  })
  await expectStatus(
    client
      .patch(`/api/v1/menu/modifier-options/${soy.id}`)
      .bearerToken(token)
      .json({ in_stock: false }),
    200
  )
  const extras = await post(`/api/v1/menu/items/${latte.id}/modifier-groups`, {
    name: 'Extras',
    min_select: 0,
    max_select: 2,
  })
  const shot = await post(`/api/v1/menu/modifier-groups/${extras.id}/options`, {
    name: 'Extra shot',
    price_delta_minor: 70,
  })
  const syrup = await post(`/api/v1/menu/modifier-groups/${extras.id}/options`, {
    name: 'Vanilla syrup',
    price_delta_minor: 40,
  })
  const cream = await post(`/api/v1/menu/modifier-groups/${extras.id}/options`, {
    name: 'Cream',
    price_delta_minor: 30,
  })
  return {
    drinks,
    breakfast,
    latte,
    espresso,
    mocha,
    secret,
    cornetto,
    milk,
    whole,
    oat,
    soy,
    extras,
    shot,
    syrup,
    cream,
  }
}

/** A pickup slot `minutesAhead` from now (15 minutes long) through the owners' API. */
export async function createSlot(
  client: ApiClient,
  token: string,
  options: { capacity: number; startsAt?: Date; minutesAhead?: number }
) {
  const startsAt =
    options.startsAt ??
    new Date(Date.now() + (options.minutesAhead ?? 60 + Math.floor(Math.random() * 1000)) * 60_000)
  startsAt.setUTCSeconds(0, 0)
  const response = await client
    .post('/api/v1/orders/pickup-slots')
    .bearerToken(token)
    .json({
      starts_at: startsAt.toISOString(),
      ends_at: new Date(startsAt.getTime() + 15 * 60_000).toISOString(),
      capacity: options.capacity,
    })
  response.assertStatus(201)
  return response.body().data as { id: string; starts_at: string; capacity: number; booked: number }
}

/** The next instant (at least an hour away) whose UTC time of day is hh:mm. */
export function nextUtc(hours: number, minutes = 0) {
  const at = new Date()
  at.setUTCHours(hours, minutes, 0, 0)
  while (at.getTime() < Date.now() + 3_600_000) at.setUTCDate(at.getUTCDate() + 1)
  return at
}

/** A guest's order request on the merchant's public path; `headers` adds e.g. Idempotency-Key. */
export function postOrder(
  client: ApiClient,
  slug: string,
  body: object,
  headers: Record<string, string> = {}
) {
  const request = client
    .post(`/api/v1/orders/m/${slug}`)
    .header('X-Forwarded-For', randomClientIp())
    .json(body)
  for (const [name, value] of Object.entries(headers)) request.header(name, value)
  return request
}

export const guest = { name: 'Ada', email: 'ada@mail.test' }

/** A row of the merchant's shard, read on the primary. */
export function shardRow(merchantId: string, table: string, where: Record<string, unknown>) {
  return runJobInTenant({ merchantId }, () => tenantDb('write').from(table).where(where).first())
}

/** How many places of a pickup slot are booked, read on the primary. */
export async function bookedPlaces(merchantId: string, slotId: string): Promise<number> {
  const slot = await shardRow(merchantId, 'pickup_slots', { id: slotId })
  return slot.booked
}
