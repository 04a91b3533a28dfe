import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { runJobInTenant, shardRouter } from '#tenancy/index'
import { NotFoundException } from '#core/exceptions/http_errors'
import { InvalidTransitionException } from '#orders/exceptions'
import { ordersNotAccepted } from '#orders/metrics'
import { PENDING_TIMEOUT_MINUTES } from '#orders/services/order_settings'
import { transitionOrder } from '#orders/services/order_transitions'

/** What the customer reads on the tracking page and in the status notification. */
export const NOT_ACCEPTED_REASON =
  'The shop did not confirm your order in time, so its pickup place was released. Please order again.'

const BATCH = 200

/**
 * Rejects, for the shop, orders still pending after the merchant's timeout: the normal status change
 * (pickup place freed, customer notified, tracking page and sockets updated). The orders table is the
 * only state, so a sweep after a restart or a Redis loss finds whatever is overdue. An order that
 * staff accept meanwhile wins: its row lock makes the later rejection an invalid move, skipped here.
 * `merchant` limits the pass to one merchant (tools, tests).
 */
export async function rejectUnacceptedOrders(
  options: { merchant?: { id: string; shardId: number } } = {}
): Promise<number> {
  let rejected = 0
  const nodes = options.merchant
    ? [shardRouter.connectionForShard(options.merchant.shardId)]
    : shardRouter.nodes()
  for (const node of nodes) {
    // Batch after batch until the node has no overdue order left (or a batch moved none: errors, logged).
    while (true) {
      const overdue = await db.connection(node, { mode: 'write' }).rawQuery(
        `SELECT o.merchant_id, o.id
           FROM orders o LEFT JOIN order_settings s ON s.merchant_id = o.merchant_id
          WHERE o.status = 'pending'
            AND o.created_at < now() - make_interval(mins => coalesce(s.pending_timeout_minutes, ?))
            AND (?::uuid IS NULL OR o.merchant_id = ?::uuid)
            AND o.shard_id = ANY(?::int[])
          ORDER BY o.created_at
          LIMIT ?`,
        [
          PENDING_TIMEOUT_MINUTES.default,
          options.merchant?.id ?? null,
          options.merchant?.id ?? null,
          // A moved shard's old copy stays on its node until the move completes: not this node's work.
          shardRouter.shardsOn(node),
          BATCH,
        ] as any[]
      )
      let moved = 0
      for (const row of overdue.rows as Array<{ merchant_id: string; id: string }>) {
        if (await rejectOne(row.merchant_id, row.id)) moved++
      }
      rejected += moved
      if (overdue.rows.length < BATCH || moved === 0) break
    }
  }
  return rejected
}

async function rejectOne(merchantId: string, orderId: string): Promise<boolean> {
  try {
    await runJobInTenant({ merchantId }, () =>
      transitionOrder(orderId, 'rejected', { reason: NOT_ACCEPTED_REASON, actorUserId: null })
    )
    ordersNotAccepted.inc()
    return true
  } catch (error) {
    // Accepted or cancelled meanwhile (or gone): nothing left to do.
    if (error instanceof InvalidTransitionException || error instanceof NotFoundException)
      return false
    logger.warn(
      { err: error, orderId, merchant_id: merchantId },
      'orders: could not reject an unaccepted order'
    )
    return false
  }
}
