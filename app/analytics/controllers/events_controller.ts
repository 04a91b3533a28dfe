import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import { eventIngestor, type EventRow } from '#analytics/services/event_ingestor'
import {
  ingestMessages,
  ingestValidator,
  OCCURRED_AT_FUTURE_MS,
  OCCURRED_AT_PAST_MS,
} from '#analytics/validators/ingest_validator'

/**
 * Public ingestion from the digital menu. All-or-nothing per batch (see ingest_validator.ts):
 * 202 with the count written, or 422 naming every bad event by index with nothing written.
 */
export default class EventsController {
  async store({ request, response }: HttpContext) {
    const { events } = await ingestValidator.validate(request.body(), {
      messagesProvider: ingestMessages,
    })
    const now = Date.now()
    const bad: Array<{ message: string; field: string; rule: string }> = []
    const rows: EventRow[] = events.map((event, index) => {
      let createdAt = new Date(now)
      if (event.occurred_at !== undefined) {
        const at = Date.parse(event.occurred_at)
        if (
          Number.isNaN(at) ||
          at < now - OCCURRED_AT_PAST_MS ||
          at > now + OCCURRED_AT_FUTURE_MS
        ) {
          bad.push({
            field: `events.${index}.occurred_at`,
            rule: 'occurred_at',
            message: 'occurred_at must be an ISO 8601 time within the last 24 hours',
          })
        } else {
          createdAt = new Date(at)
        }
      }
      const data = ('data' in event ? event.data : undefined) ?? {}
      return {
        type: event.type,
        sessionId: event.session_id,
        data: data as Record<string, unknown>,
        createdAt,
      }
    })
    if (bad.length) throw new vineErrors.E_VALIDATION_ERROR(bad)
    const accepted = await eventIngestor.record(rows)
    response.header('Cache-Control', 'no-store')
    return response.accepted({ data: { accepted } })
  }
}
