import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import queue from '@rlanz/bull-queue/services/main'
import { dispatch } from '#core/queue/dispatcher'
import { shardRouter } from '#tenancy/index'
import DeliverNotificationJob from '#notifications/jobs/deliver_notification_job'
import { notificationsRelayed } from '#notifications/metrics'
import { notificationsConfig } from '#notifications/notifications_config'
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
/** Jobs whose queue adds are sent together. */
const HAND_OFF_CHUNK = 100

/** Rows that can share a job: one merchant, one priority, one due time, one attempt. */
function jobGroups(rows: RelayRow[]): RelayRow[][] {
  const groups = new Map<string, RelayRow[]>()
  for (const row of rows) {
    const key = `${row.merchant_id}|${row.priority}|${new Date(row.scheduled_for).getTime()}|${row.attempt ?? 0}`
    const group = groups.get(key)
    if (group) group.push(row)
    else groups.set(key, [row])
  }
  // A job's rows fit one claim (services/delivery.ts claims at most a batch per statement).
  const batch = notificationsConfig.batchSize()
  const jobs: RelayRow[][] = []
  for (const group of groups.values())
    for (let start = 0; start < group.length; start += batch)
      jobs.push(group.slice(start, start + batch))
  return jobs
}

/**
 * Moves outbox rows into BullMQ. Rows that can go together (one merchant, priority, due time and
 * attempt: an order's notifications) share one job, named after its first row, so handing the same
 * rows over twice (commit hook and sweep, or two sweeps) queues them once. Rows are the source of
 * truth: the sweep re-enqueues whatever is still pending, which covers a lost hand-off, a Redis that
 * lost its data, and a worker that died while holding a row (its lease runs out). A row that ends up
 * in two jobs is still sent once: delivery claims it (services/delivery.ts).
 */
export class Relay {
  /**
   * Queues a job per group of rows. The adds of a chunk go out together, so they share Redis round
   * trips (the connection writes them back to back) instead of waiting on one another. A job Redis
   * refuses is logged and its rows are left to the sweep (they stay pending); the others still go.
   */
  async handOff(rows: RelayRow[], path: 'commit' | 'sweep' | 'retry', jobIdSuffix = '') {
    const jobs = jobGroups(rows)
    for (let start = 0; start < jobs.length; start += HAND_OFF_CHUNK) {
      const chunk = jobs.slice(start, start + HAND_OFF_CHUNK)
      const outcomes = await Promise.allSettled(
        chunk.map(([first, ...others]) =>
          dispatch(
            DeliverNotificationJob,
            {
              merchantId: first.merchant_id,
              notificationIds: [first.id, ...others.map((row) => row.id)],
              ...(first.attempt ? { attempt: first.attempt } : {}),
            },
            {
              jobId: `${first.id}${jobIdSuffix}`,
              priority: QUEUE_PRIORITY[first.priority] ?? QUEUE_PRIORITY.normal,
              delay: Math.max(0, new Date(first.scheduled_for).getTime() - Date.now()),
              attempts: first.max_attempts,
              backoff: { type: 'jitter', delay: 1000 },
            }
          )
        )
      )
      const failed = chunk.filter((_, index) => outcomes[index].status === 'rejected').flat()
      const queued = chunk.flat().length - failed.length
      if (queued > 0) notificationsRelayed.inc({ path }, queued)
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
      // A moved shard's old copy stays (fenced) on its node until the move completes: not its rows.
      const shards = shardRouter.shardsOn(node)
      await client.rawQuery(
        `UPDATE notification_queue
            SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                processed_at = CASE WHEN attempts >= max_attempts THEN now() END,
                last_error = coalesce(last_error || ' / ', '') || 'worker stopped before finishing (lease expired)',
                locked_until = NULL, updated_at = now()
          WHERE status = 'processing' AND locked_until < now() AND shard_id = ANY(?::int[])`,
        [shards]
      )
      const pending = await client.rawQuery(
        `SELECT id, merchant_id, type, priority, scheduled_for, max_attempts, attempts
           FROM notification_queue
          WHERE status = 'pending' AND updated_at <= now() - make_interval(secs => ?)
            AND (locked_until IS NULL OR locked_until <= now()) AND shard_id = ANY(?::int[])
          ORDER BY CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, scheduled_for
          LIMIT ?`,
        [grace, shards, SWEEP_BATCH]
      )
      const again: RelayRow[] = []
      for (const row of pending.rows as RelayRow[]) {
        const state = await this.#jobState(row)
        if (state === 'queued') continue
        // The job names the attempt it is for: a worker that recorded this row final before (a staff
        // retry reopened it since) must still claim it.
        const attempt = (row.attempts ?? 0) + 1
        // An "active" job whose row is pending belongs to a worker that died: a fresh job goes beside it.
        if (state === 'active')
          await this.handOff([{ ...row, attempt }], 'sweep', `-r${row.attempts ?? 0}`)
        else again.push({ ...row, attempt })
        requeued++
      }
      await this.handOff(again, 'sweep')
    }
    return { requeued }
  }

  /**
   * The state of the job named after the row (the first row of a job). A row further down a job has no
   * job of its own name: it is queued again after the grace period, and the claim sends it once.
   */
  async #jobState(row: RelayRow): Promise<'queued' | 'active' | 'gone'> {
    const existing = await queue.getOrSet(DeliverNotificationJob.queueName).getJob(row.id)
    const state = existing ? await existing.getState() : 'missing'
    if (['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) return 'queued'
    if (state === 'active') return 'active'
    // A finished job keeps its name: remove it so the new one is not taken for a duplicate.
    if (state === 'completed' || state === 'failed') await existing!.remove()
    return 'gone'
  }
}

export const relay = new Relay()
