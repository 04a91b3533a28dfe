import db from '@adonisjs/lucid/services/db'
import { contextFromMerchant, runWithTenant, shardRouter, type MerchantSnapshot } from '#tenancy/index'
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
