/**
 * Events the analytics module listens to or emits.
 *
 * `order.created` is owned by the orders module, which does not exist yet: its payload type is declared
 * here so the listener is typed. When orders lands it emits exactly this shape (importing the type from
 * '#analytics/index', or moving the declaration to '#orders/index' and re-exporting it here: one
 * declaration of the event, whichever module owns it). Money in minor units.
 */
export type OrderCreated = {
  orderId: string
  merchantId: string
  totalMinor: number
  currency: string
  items: Array<{ itemId: string; name: string; quantity: number }>
  /** ISO 8601 timestamp of the order. */
  createdAt: string
}

/** Emitted after a daily briefing is stored (notifications may announce it to staff). */
export type AiInsightGenerated = {
  merchantId: string
  briefingId: string
  /** The UTC day the briefing describes, YYYY-MM-DD. */
  day: string
  provider: string
  headline: string
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'order.created': OrderCreated
    'ai.insight.generated': AiInsightGenerated
  }
}
