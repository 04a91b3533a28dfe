import { defineArchivables, moveRowsBatch } from '#core/archiving/archivable'

/** Orders that can no longer change: their status machine has ended. */
const FINISHED = ['completed', 'cancelled', 'rejected']

/** Six calendar months before `now` (UTC). */
export function ordersArchiveCutoff(now: Date): Date {
  const cutoff = new Date(now)
  cutoff.setUTCMonth(cutoff.getUTCMonth() - 6)
  return cutoff
}

const FINISHED_BEFORE = `status = ANY(?) AND created_at < ? AND updated_at < ?`
const finishedBindings = (now: Date) => {
  const cutoff = ordersArchiveCutoff(now)
  return [FINISHED, cutoff, cutoff]
}

/**
 * Finished orders untouched for six months move to orders_archive with their lines, in one
 * transaction per batch: the batch's orders are locked first (SKIP LOCKED, so two runners never
 * share one), their lines are copied and checked, then the orders themselves; only then are the
 * hot rows deleted (moveRowsBatch checks counts and checksums of both copies).
 */
export default defineArchivables([
  {
    name: 'orders.orders_archive',
    description:
      'completed, cancelled and rejected orders (with their lines) older than six months',
    location: 'shard',
    async pending(client, now) {
      const { rows } = await client.rawQuery(
        `SELECT count(*)::int AS n FROM orders WHERE ${FINISHED_BEFORE}`,
        finishedBindings(now)
      )
      return rows[0].n
    },
    async moveBatch(trx, { now, batchSize }) {
      const locked = await trx.rawQuery(
        `SELECT id::text AS id FROM orders WHERE ${FINISHED_BEFORE} ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [...finishedBindings(now), batchSize]
      )
      const ids: string[] = locked.rows.map((row: { id: string }) => row.id)
      if (ids.length === 0) return { moved: 0, checksum: null }
      const counted = await trx.rawQuery(
        `SELECT count(*)::int AS n FROM order_items WHERE order_id = ANY(?)`,
        [ids]
      )
      const itemCount: number = counted.rows[0].n
      // Lines first: deleting an order would cascade to lines not yet copied.
      const items =
        itemCount > 0
          ? await moveRowsBatch(trx, {
              from: 'order_items',
              to: 'order_items_archive',
              key: 'id',
              where: 'order_id = ANY(?)',
              bindings: [ids],
              batchSize: itemCount,
            })
          : { moved: 0, checksum: null }
      if (items.moved !== itemCount)
        throw new Error(`order_items: moved ${items.moved} lines, expected ${itemCount}`)
      const orders = await moveRowsBatch(trx, {
        from: 'orders',
        to: 'orders_archive',
        key: 'id',
        where: 'id = ANY(?)',
        bindings: [ids],
        batchSize: ids.length,
      })
      if (orders.moved !== ids.length)
        throw new Error(`orders: moved ${orders.moved} orders, expected ${ids.length}`)
      return { moved: orders.moved, checksum: `${orders.checksum}/${items.checksum ?? 'no-lines'}` }
    },
  },
])
