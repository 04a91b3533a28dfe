import { requireTenant, tenantDb } from '#tenancy/index'
import { metrics } from '#core/observability/metrics'
import type { AnalyticsEventType } from '#analytics/event_types'

export type EventRow = {
  type: AnalyticsEventType
  sessionId: string
  data: Record<string, unknown>
  createdAt: Date
}

const ingested = metrics.counter({
  name: 'analytics_events_ingested_total',
  help: 'Analytics events written, by source (client batch or server)',
  labelNames: ['source'],
})

/**
 * One statement per batch, whatever its size: the rows travel as a single JSON parameter and
 * PostgreSQL expands them with jsonb_to_recordset, so a batch of 500 is one round trip and one plan.
 * The merchant and shard come from the tenant context, never from the client.
 */
const INSERT_BATCH = `
INSERT INTO analytics_events (merchant_id, shard_id, session_id, event_type, event_data, created_at)
SELECT ?::uuid, ?::integer, r.s, r.t, r.d, r.c
FROM jsonb_to_recordset(?::jsonb) AS r(s text, t text, d jsonb, c timestamptz)`

export class EventIngestor {
  async record(events: EventRow[], source: 'client' | 'server' = 'client'): Promise<number> {
    if (events.length === 0) return 0
    const tenant = requireTenant()
    const rows = events.map((event) => ({
      s: event.sessionId,
      t: event.type,
      d: event.data,
      c: event.createdAt.toISOString(),
    }))
    await tenantDb('write').rawQuery(INSERT_BATCH, [
      tenant.merchantId,
      tenant.shardId,
      JSON.stringify(rows),
    ])
    ingested.inc({ source }, events.length)
    return events.length
  }
}

export const eventIngestor = new EventIngestor()
