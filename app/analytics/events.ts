/**
 * Events the analytics module emits. It listens to `order.created`, which the orders module owns
 * (its payload type is re-exported here for the listener).
 */
export type { OrderCreated } from '#orders/index'

/** Emitted after a daily briefing is stored (notifications may announce it to staff). */
export type AiInsightGenerated = {
  merchantId: string
  briefingId: string
  /** The merchant-local day the briefing describes, YYYY-MM-DD. */
  day: string
  provider: string
  headline: string
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'ai.insight.generated': AiInsightGenerated
  }
}
