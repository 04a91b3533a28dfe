import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { shardRouter } from '#tenancy/services/shards'

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
