import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'
import { requireTenant, tenantDb } from '#tenancy/index'
import { loadBriefingFigures } from '#ai_briefings/figures'
import { snakeKeys } from '#core/http/json_keys'
import { BriefingProvider } from '#ai_briefings/providers/briefing_provider'
import '#analytics/index'

export type Briefing = {
  id: string
  day: string
  provider: string
  headline: string
  body: string
  /** BriefingFigures as stored: snake_case JSON. */
  figures: Record<string, unknown>
  createdAt: string
}

const COLUMNS = ['id', 'provider', 'headline', 'body', 'figures', 'created_at']

/** An ai_briefings row as COLUMNS (plus the day) read it. */
type BriefingRow = {
  id: string
  day: string
  provider: string
  headline: string
  body: string
  figures: Record<string, unknown>
  created_at: Date
}

function toBriefing(row: BriefingRow): Briefing {
  return {
    id: row.id,
    day: row.day,
    provider: row.provider,
    headline: row.headline,
    body: row.body,
    figures: row.figures,
    createdAt: row.created_at.toISOString(),
  }
}

/**
 * Writes the current merchant's briefing of one local day from its daily aggregates, stores it (one per
 * day: regenerating replaces it) and announces it with ai.insight.generated. The writer is the given
 * provider, or the one bound in the container.
 */
export class BriefingService {
  async generate(day: string, given?: BriefingProvider): Promise<Briefing> {
    const provider = given ?? (await app.container.make(BriefingProvider))
    const tenant = requireTenant()
    const figures = await loadBriefingFigures(day)
    const text = await provider.write(figures)
    const client = tenantDb('write')
    const result = await client.rawQuery(
      `INSERT INTO analytics_briefings (merchant_id, shard_id, day, provider, headline, body, figures)
       VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)
       ON CONFLICT (merchant_id, day) DO UPDATE SET provider = EXCLUDED.provider, headline = EXCLUDED.headline,
         body = EXCLUDED.body, figures = EXCLUDED.figures, created_at = now()
       RETURNING ${COLUMNS.join(', ')}, day::text AS day`,
      [
        tenant.merchantId,
        tenant.shardId,
        day,
        provider.name,
        text.headline,
        text.body,
        JSON.stringify(snakeKeys(figures)),
      ]
    )
    const [row]: BriefingRow[] = result.rows
    const briefing = toBriefing(row)
    await emitter.emit('ai.insight.generated', {
      merchantId: tenant.merchantId,
      briefingId: briefing.id,
      day,
      provider: provider.name,
      headline: briefing.headline,
    })
    return briefing
  }

  async list(limit = 30): Promise<Briefing[]> {
    const client = tenantDb()
    const rows: BriefingRow[] = await client
      .from('analytics_briefings')
      .where('merchant_id', requireTenant().merchantId)
      .orderBy('day', 'desc')
      .limit(limit)
      .select(...COLUMNS, client.raw('day::text AS day'))
    return rows.map(toBriefing)
  }
}

export const briefingService = new BriefingService()
