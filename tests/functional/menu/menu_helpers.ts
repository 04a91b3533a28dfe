import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import User from '#tenancy/models/user'
import { shardRouter } from '#tenancy/services/shards'
import { randomUUID } from 'node:crypto'
import { onboarding } from '#tenancy/services/onboarding_service'
import { createMerchant, TEST_PASSWORD } from '#tests/helpers'
import type { Tier } from '#tenancy/types'

/**
 * A merchant with an owner token issued directly (the login route's rate limit of 10/min per IP
 * is not what these tests are about).
 */
export async function menuMerchant(options: { tier?: Tier; timezone?: string } = {}) {
  const created = options.timezone
    ? await merchantIn(options.timezone, options.tier)
    : await createMerchant({ tier: options.tier })
  const user = await User.findByOrFail('email', created.email)
  const token = await User.accessTokens.create(user, [`merchant:${created.merchant.id}`])
  return { ...created, token: token.value!.release() }
}

async function merchantIn(timezone: string, tier: Tier = 'pre_ordering') {
  const slug = `m-${randomUUID().slice(0, 8)}`
  const email = `owner@${slug}.test`
  const merchant = await onboarding.onboard({
    slug,
    name: `Merchant ${slug}`,
    vertical: 'coffeeshop',
    tier,
    timezone,
    owner: { email, password: TEST_PASSWORD },
  })
  return { merchant, email, password: TEST_PASSWORD }
}

/** A small coffee menu built through the staff API: Drinks > Latte (Milk: whole / oat; Size), Cookie. */
export async function buildCoffeeMenu(client: ApiClient, token: string) {
  const post = async (url: string, body: object) => {
    const response = await client.post(url).bearerToken(token).json(body)
    response.assertStatus(201)
    return response.body().data
  }
  const drinks = await post('/api/v1/menu/categories', { name: 'Drinks', display_order: 1 })
  const bakery = await post('/api/v1/menu/categories', { name: 'Bakery', display_order: 2 })
  const latte = await post('/api/v1/menu/items', {
    category_id: drinks.id,
    name: 'Latte',
    price_minor: 350,
    currency: 'eur',
    dietary_flags: ['vegetarian'],
    allergens: ['milk'],
  })
  const espresso = await post('/api/v1/menu/items', {
    category_id: drinks.id,
    name: 'Espresso',
    price_minor: 150,
    currency: 'EUR',
    dietary_flags: ['vegan', 'gluten_free'],
  })
  const cookie = await post('/api/v1/menu/items', {
    category_id: bakery.id,
    name: 'Hazelnut cookie',
    price_minor: 250,
    currency: 'EUR',
    dietary_flags: ['vegetarian'],
    allergens: ['gluten', 'nuts', 'eggs'],
  })
  const milk = await post(`/api/v1/menu/items/${latte.id}/modifier-groups`, {
    name: 'Milk',
    is_required: true,
    max_select: 1,
  })
  const whole = await post(`/api/v1/menu/modifier-groups/${milk.id}/options`, {
    name: 'Whole milk',
    allergens: ['milk'],
  })
  const oat = await post(`/api/v1/menu/modifier-groups/${milk.id}/options`, {
    name: 'Oat milk',
    price_delta_minor: 50,
    allergens: ['gluten'],
  })
  return { drinks, bakery, latte, espresso, cookie, milk, whole, oat }
}

/** Counts SQL statements sent to a merchant's shard node while `fn` runs (knex 'query' events). */
export async function countShardQueries<T>(shardId: number, fn: () => Promise<T>) {
  const name = shardRouter.connectionForShard(shardId)
  db.manager.connect(name)
  const client = db.manager.get(name)!.connection!.client!
  const statements: string[] = []
  const listener = (query: { sql: string }) => statements.push(query.sql)
  client.on('query', listener)
  try {
    const result = await fn()
    return { result, statements }
  } finally {
    client.removeListener('query', listener)
  }
}
