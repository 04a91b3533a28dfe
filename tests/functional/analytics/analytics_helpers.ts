import db from '@adonisjs/lucid/services/db'
import {
  contextFromMerchant,
  runWithTenant,
  shardRouter,
  type MerchantSnapshot,
} from '#tenancy/index'
import { eventIngestor, type EventRow } from '#analytics/services/event_ingestor'

/** Runs fn as the given merchant (what the HTTP resolver or the job runner does). */
export function asMerchant<T>(merchant: MerchantSnapshot, fn: () => Promise<T>): Promise<T> {
  return runWithTenant(contextFromMerchant(merchant), fn)
}

type SeedEvent = Partial<EventRow> & { type: EventRow['type']; at: string }

/** Writes events for a merchant at given instants, through the same batch insert the endpoint uses. */
export async function seedEvents(merchant: MerchantSnapshot, events: SeedEvent[]) {
  await asMerchant(merchant, () =>
    eventIngestor.record(
      events.map((event) => ({
        type: event.type,
        sessionId: event.sessionId ?? 'session-0000',
        data: event.data ?? {},
        createdAt: new Date(event.at),
      })),
      'server'
    )
  )
}

/** The node connection of a merchant, for assertions on raw rows. */
export function nodeOf(merchant: MerchantSnapshot) {
  return db.connection(shardRouter.connectionForShard(merchant.shardId))
}

export async function eventsOf(merchant: MerchantSnapshot) {
  const result = await nodeOf(merchant).rawQuery(
    `SELECT event_type, session_id, event_data, shard_id, created_at, tableoid::regclass::text AS partition
     FROM analytics_events WHERE merchant_id = ? ORDER BY created_at, event_type`,
    [merchant.id]
  )
  return result.rows as Array<{
    event_type: string
    session_id: string
    event_data: Record<string, any>
    shard_id: number
    created_at: Date
    partition: string
  }>
}

/** Catalog items of a merchant (one category), written straight to its node: name -> item id. */
export async function seedCatalogItems(merchant: MerchantSnapshot, names: string[]) {
  const node = nodeOf(merchant)
  const [category] = await node
    .table('menu_categories')
    .insert({ merchant_id: merchant.id, shard_id: merchant.shardId, name: 'Drinks' })
    .returning('id')
  const rows = await node
    .table('menu_items')
    .insert(
      names.map((name) => ({
        merchant_id: merchant.id,
        shard_id: merchant.shardId,
        category_id: category.id,
        name,
        price_minor: 400,
        currency: 'EUR',
      }))
    )
    .returning(['id', 'name'])
  return Object.fromEntries(
    rows.map((row: { id: string; name: string }) => [row.name, row.id])
  ) as Record<string, string>
}
