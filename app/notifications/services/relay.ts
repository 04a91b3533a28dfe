import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import queue from '@rlanz/bull-queue/services/main'
import { dispatch } from '#core/queue/dispatcher'
import { shardRouter } from '#tenancy/index'
import DeliverNotificationJob from '#notifications/jobs/deliver_notification_job'
import { notificationsRelayed } from '#notifications/metrics'
import type { Priority } from '#notifications/types'

export type RelayRow = {
  id: string
  merchant_id: string
  type: string
  priority: Priority
  scheduled_for: Date | string
  max_attempts: number
  attempts?: number
  /** Set on a retry's job: the attempt it is for (it may claim its row while the row is in backoff). */
  attempt?: number
}

/** BullMQ: a lower number is served first; 0 would mean "no priority", so high starts at 1. */
export const QUEUE_PRIORITY: Record<Priority, number> = { high: 1, normal: 5, low: 10 }

const SWEEP_BATCH = 500
/** Rows whose queue adds are sent together. */
const HAND_OFF_CHUNK = 100

/**
 * Moves outbox rows into BullMQ. The job id is the row id, so handing the same row over twice (commit
 * hook and sweep, or two sweeps) queues it once. Rows are the source of truth: the sweep re-enqueues
 * whatever is still pending, which covers a lost hand-off, a Redis that lost its data, and a worker
 * that died while holding a row (its lease runs out).
 */
export class Relay {
  /**
   * Queues a job per row. The adds of a chunk go out together, so they share Redis round trips (the
   * connection writes them back to back) instead of waiting on one another; an order's rows are one
   * chunk. A row Redis refuses is logged and left to the sweep (it stays pending); the others still go.
   */
  async handOff(rows: RelayRow[], path: 'commit' | 'sweep' | 'retry', jobIdSuffix = '') {
    for (let start = 0; start < rows.length; start += HAND_OFF_CHUNK) {
      const chunk = rows.slice(start, start + HAND_OFF_CHUNK)
      const outcomes = await Promise.allSettled(
        chunk.map((row) =>
          dispatch(
            DeliverNotificationJob,
            {
              merchantId: row.merchant_id,
              notificationId: row.id,
              ...(row.attempt ? { attempt: row.attempt } : {}),
            },
            {
              jobId: `${row.id}${jobIdSuffix}`,
              priority: QUEUE_PRIORITY[row.priority] ?? QUEUE_PRIORITY.normal,
              delay: Math.max(0, new Date(row.scheduled_for).getTime() - Date.now()),
              attempts: row.max_attempts,
              backoff: { type: 'jitter', delay: 1000 },
            }
          )
        )
      )
      const failed = chunk.filter((_, index) => outcomes[index].status === 'rejected')
      if (failed.length < chunk.length)
        notificationsRelayed.inc({ path }, chunk.length - failed.length)
      if (failed.length > 0) {
        // Not fatal: the rows stay pending and the next sweep hands them over again.
        const first = outcomes.find((outcome) => outcome.status === 'rejected')
        logger.warn(
          { err: first?.reason, notifications: failed.map((row) => row.id), path },
          'notification hand-off to the queue failed'
        )
      }
    }
  }

  /**
   * One pass over every shard node: rows whose worker lost its lease go back to pending (or to failed
   * when out of attempts), then pending rows untouched for `graceSeconds` (and not waiting out a
   * retry's backoff) are handed to the queue again unless a live job already holds them.
   */
  async sweep(options: { graceSeconds?: number } = {}) {
    const grace = options.graceSeconds ?? 30
    let requeued = 0
    for (const node of shardRouter.nodes()) {
      const client = db.connection(node, { mode: 'write' })
      await client.rawQuery(
        `UPDATE notification_queue
            SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                processed_at = CASE WHEN attempts >= max_attempts THEN now() END,
                last_error = coalesce(last_error || ' / ', '') || 'worker stopped before finishing (lease expired)',
                locked_until = NULL, updated_at = now()
          WHERE status = 'processing' AND locked_until < now()`
      )
      const pending = await client.rawQuery(
        `SELECT id, merchant_id, type, priority, scheduled_for, max_attempts, attempts
           FROM notification_queue
          WHERE status = 'pending' AND updated_at <= now() - make_interval(secs => ?)
            AND (locked_until IS NULL OR locked_until <= now())
          ORDER BY CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, scheduled_for
          LIMIT ?`,
        [grace, SWEEP_BATCH]
      )
      for (const row of pending.rows as RelayRow[]) requeued += await this.#requeue(row)
    }
    return { requeued }
  }

  async #requeue(row: RelayRow): Promise<number> {
    const bull = queue.getOrSet(DeliverNotificationJob.queueName)
    const existing = await bull.getJob(row.id)
    const state = existing ? await existing.getState() : 'missing'
    if (['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) return 0
    if (state === 'completed' || state === 'failed') await existing!.remove()
    // An "active" job whose row is pending belongs to a worker that died: queue a fresh job beside it.
    // The job names the attempt it is for: a worker that recorded this row final before (a staff retry
    // reopened it since) must still claim it.
    const attempt = (row.attempts ?? 0) + 1
    await this.handOff(
      [{ ...row, attempt }],
      'sweep',
      state === 'active' ? `-r${row.attempts ?? 0}` : ''
    )
    return 1
  }
}

export const relay = new Relay()
