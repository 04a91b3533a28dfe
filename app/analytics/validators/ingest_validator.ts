import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { CLIENT_EVENT_TYPES, EVENT_DATA_SCHEMAS } from '#analytics/event_types'

export const MAX_BATCH = 500

/** How far a client's clock may place an event: buffered up to a day back, never in the future. */
export const OCCURRED_AT_PAST_MS = 24 * 60 * 60 * 1000
export const OCCURRED_AT_FUTURE_MS = 5 * 60 * 1000

const dataByType = vine
  .group(
    CLIENT_EVENT_TYPES.map((type) =>
      vine.group.if((event) => event.type === type, { data: EVENT_DATA_SCHEMAS[type] })
    )
  )
  // A type outside the list is already reported by the enum rule on `type`.
  .otherwise(() => {})

const event = vine
  .object({
    type: vine.enum(CLIENT_EVENT_TYPES),
    session_id: vine.string().trim().minLength(8).maxLength(128),
    occurred_at: vine.string().trim().maxLength(40).optional(),
  })
  .merge(dataByType)

/**
 * A batch of 1..500 events. The rule for a partly bad batch: all or nothing. Any bad event makes the
 * whole batch a 422 whose errors name each bad event by index (`events.3.type`), and nothing is
 * written; the client fixes or drops those events and resends. Good events are therefore never
 * silently dropped and never stored twice after a retry of the corrected batch.
 */
export const ingestValidator = vine.compile(
  vine.object({ events: vine.array(event).minLength(1).maxLength(MAX_BATCH) })
)

export const ingestMessages = new SimpleMessagesProvider({
  'events.maxLength': `A batch holds at most ${MAX_BATCH} events`,
  'events.minLength': 'A batch holds at least one event',
  'events.*.type.enum': `The event type must be one of: ${CLIENT_EVENT_TYPES.join(', ')} (order_placed is recorded by the server)`,
})
