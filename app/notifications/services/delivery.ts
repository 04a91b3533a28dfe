import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { requireTenant, tenantDb } from '#tenancy/index'
import { jitteredBackoff } from '#core/queue/backoff'
import { channelClasses } from '#notifications/channels/registry'
import { PermanentDeliveryError } from '#notifications/channels/channel'
import { notificationOutcomes, notificationsCapped } from '#notifications/metrics'
import { sendCapReached, type SendCap } from '#notifications/services/send_caps'
import {
  settingsService,
  type NotificationSettings,
} from '#notifications/services/settings_service'
import { relay } from '#notifications/services/relay'
import { notificationsConfig } from '#notifications/notifications_config'
import type { QueuedNotification } from '#notifications/types'

export type DeliveryResult =
  | { outcome: 'delivered' | 'skipped' }
  | { outcome: 'capped'; cap: SendCap }
  | { outcome: 'retry' | 'failed'; error: Error }

const FINISHED_REMEMBERED = 10_000

type Deferred<T> = {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (e: unknown) => void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A waiter may never look (a duplicate job); an unobserved rejection must not crash the worker.
  promise.catch(() => {})
  return { promise, resolve, reject }
}

/** A job asking for its row: `attempt` is set on a retry job, which may claim its row in backoff. */
type Request = { id: string; attempt: number | null; result: Deferred<DeliveryResult> }

/** Requests of one merchant not yet claimed, and whether a claim of that merchant is running. */
type MerchantLine = { waiting: Map<string, Request>; claiming: boolean }

/** A sent (or refused) row: what the batch records for it follows from its result. */
type Settled = { notification: QueuedNotification; result: DeliveryResult; retryInMs: number }

/** The row's status once recorded: a retry waits out its backoff as pending. */
function rowStatus({ result }: Settled): 'completed' | 'failed' | 'pending' {
  if (result.outcome === 'delivered') return 'completed'
  return result.outcome === 'retry' ? 'pending' : 'failed'
}

/** What the row's last_error says (null keeps the previous one). */
function rowError({ result }: Settled): string | null {
  if (result.outcome === 'capped') return `E_SEND_CAPPED: ${result.cap}`
  return 'error' in result ? result.error.message : null
}

/**
 * Sends outbox rows in batches, at most once per claim.
 *
 * A job asks for its rows (services/relay.ts). Requests of one merchant that arrive while a claim of
 * that merchant is running wait and go together in the next claim (a batch at most), and the claim
 * fills the batch with other due rows of the same merchant (never another's: the statement is bound
 * to the tenant's merchant id). One statement claims the batch (pending, or processing with an expired lease, becomes
 * processing with a lease and one more attempt; FOR UPDATE SKIP LOCKED, so whoever does not win a row
 * does nothing with it), the rows are sent concurrently, and one statement records every outcome, each
 * only where the claim still owns the row (same attempt number), so a late worker cannot overwrite.
 * A job whose row is already in flight in this process waits for it and reports `skipped`; one whose
 * row this process recorded as final reports `skipped` at once (the claim would find nothing either).
 * A retry is recorded as a pending row in backoff (`locked_until` = not before) and a delayed job for
 * the next attempt; batch claims and other jobs leave a row in backoff alone.
 */
export class Delivery {
  #lines = new Map<string, MerchantLine>()
  #inFlight = new Map<string, Promise<DeliveryResult>>()
  /** Rows this process recorded as completed or failed (final), newest last, bounded. */
  #finished = new Set<string>()

  /** Delivers the row `id` of the current merchant (or finds it done, in flight or not claimable). */
  async deliver(id: string, options: { attempt?: number } = {}): Promise<DeliveryResult> {
    const running = this.#inFlight.get(id)
    if (running) return this.#skippedAfter(running)
    // A final row stays final (only a staff retry reopens it, and its job names the attempt).
    if (!options.attempt && this.#finished.has(id)) return { outcome: 'skipped' }
    const merchantId = requireTenant().merchantId
    let line = this.#lines.get(merchantId)
    if (!line) {
      line = { waiting: new Map(), claiming: false }
      this.#lines.set(merchantId, line)
    }
    const already = line.waiting.get(id)
    if (already) return this.#skippedAfter(already.result.promise)
    const request: Request = { id, attempt: options.attempt ?? null, result: deferred() }
    line.waiting.set(id, request)
    // Let the requests of this tick join (setImmediate keeps the tenant context of this job).
    if (!line.claiming) setImmediate(() => void this.#drain(merchantId))
    return request.result.promise
  }

  async #skippedAfter(running: Promise<unknown>): Promise<DeliveryResult> {
    await running.catch(() => {})
    return { outcome: 'skipped' }
  }

  /**
   * Claims and processes batches for one merchant while jobs wait for rows, or while the last claim came
   * back full (more rows are due: claim them before their jobs ask, within the in-flight bound).
   */
  async #drain(merchantId: string) {
    const line = this.#lines.get(merchantId)
    if (!line || line.claiming) return
    line.claiming = true
    let more = false
    try {
      while (line.waiting.size > 0 || (more && this.#hasRoom())) {
        // At most a batch per claim, so a claim's sends fit its lease (jobs carry up to a batch each).
        const requests = [...line.waiting.values()].slice(0, notificationsConfig.batchSize())
        for (const request of requests) line.waiting.delete(request.id)
        // Rows claimed meanwhile (as another batch's fill) are in flight here: their jobs just wait.
        const fresh: Request[] = []
        for (const request of requests) {
          const running = this.#inFlight.get(request.id)
          if (running) void this.#skippedAfter(running).then(request.result.resolve)
          else fresh.push(request)
        }
        let claimed: QueuedNotification[]
        try {
          claimed = await this.#claim(fresh)
        } catch (error) {
          for (const request of fresh) request.result.reject(error)
          more = false
          continue
        }
        more = claimed.length >= notificationsConfig.batchSize()
        // Not awaited: the next batch of this merchant may be claimed while this one sends.
        void this.#process(claimed, fresh)
      }
    } finally {
      line.claiming = false
      if (line.waiting.size === 0) this.#lines.delete(merchantId)
      else setImmediate(() => void this.#drain(merchantId))
    }
  }

  /** Fill batches only while this process holds fewer than four batches of rows. */
  #hasRoom() {
    return this.#inFlight.size < notificationsConfig.batchSize() * 4
  }

  /** One statement: the requested rows that are claimable plus due rows of the merchant, up to the batch size. */
  async #claim(requests: Request[]): Promise<QueuedNotification[]> {
    const batchSize = notificationsConfig.batchSize()
    const room = this.#hasRoom() ? Math.max(0, batchSize - requests.length) : 0
    if (requests.length === 0 && room === 0) return []
    const result = await tenantDb('write').rawQuery(
      `WITH wanted AS (
         SELECT * FROM unnest(?::uuid[], ?::int[]) AS w(id, attempt)
       ), due AS (
         SELECT id FROM notification_queue
          WHERE merchant_id = ? AND status = 'pending' AND scheduled_for <= now()
            AND (locked_until IS NULL OR locked_until <= now()) AND attempts < max_attempts
          ORDER BY CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, scheduled_for
          LIMIT ?
       )
       UPDATE notification_queue q
          SET status = 'processing', attempts = q.attempts + 1, updated_at = now(),
              locked_until = now() + make_interval(secs => ?)
         FROM (SELECT n.id FROM notification_queue n
                 LEFT JOIN wanted ON wanted.id = n.id
                WHERE n.merchant_id = ? AND n.attempts < n.max_attempts
                  AND (n.id IN (SELECT id FROM wanted) OR n.id IN (SELECT id FROM due))
                  AND (
                    (n.status = 'pending' AND (n.locked_until IS NULL OR n.locked_until <= now()
                                               OR n.attempts = wanted.attempt - 1))
                    OR (n.status = 'processing' AND n.locked_until < now() AND wanted.id IS NOT NULL)
                  )
                FOR UPDATE OF n SKIP LOCKED) claimable
        WHERE q.id = claimable.id
        RETURNING q.*`,
      [
        requests.map((request) => request.id),
        requests.map((request) => request.attempt ?? 0),
        requireTenant().merchantId,
        room,
        notificationsConfig.leaseSeconds(),
        requireTenant().merchantId,
      ]
    )
    return result.rows
  }

  /** Sends a claimed batch, records every outcome in one statement, then answers the waiting jobs. */
  async #process(claimed: QueuedNotification[], requests: Request[]) {
    const outcomes = new Map<string, Deferred<DeliveryResult>>()
    for (const notification of claimed) {
      const outcome = deferred<DeliveryResult>()
      outcomes.set(notification.id, outcome)
      this.#inFlight.set(notification.id, outcome.promise)
    }
    try {
      const settled = await this.#sendAll(claimed)
      await this.#record(settled)
      for (const item of settled) {
        if (rowStatus(item) !== 'pending') this.#remember(item.notification.id)
        notificationOutcomes.inc({ channel: item.notification.type, outcome: outcomeLabel(item) })
        if (item.result.outcome === 'capped')
          notificationsCapped.inc({ channel: item.notification.type, cap: item.result.cap })
        outcomes.get(item.notification.id)!.resolve(item.result)
      }
      await this.#scheduleRetries(settled)
    } catch (error) {
      // Outcomes not recorded: the rows keep their lease, and the sweep retries them when it runs out.
      logger.error({ err: error }, 'recording a notification batch failed')
      for (const outcome of outcomes.values()) outcome.reject(error)
    } finally {
      for (const notification of claimed) this.#inFlight.delete(notification.id)
    }
    // Every job of this claim ends with its batch (so a stopping worker waits for the batch). A
    // requested row that was not claimed is done, in backoff, another merchant's or someone else's.
    for (const request of requests) {
      const outcome = outcomes.get(request.id)
      if (outcome) outcome.promise.then(request.result.resolve, request.result.reject)
      else request.result.resolve({ outcome: 'skipped' })
    }
  }

  #remember(id: string) {
    this.#finished.add(id)
    if (this.#finished.size > FINISHED_REMEMBERED)
      this.#finished.delete(this.#finished.values().next().value!)
  }

  async #sendAll(claimed: QueuedNotification[]): Promise<Settled[]> {
    let settings: Promise<NotificationSettings | null> | undefined
    const loadSettings = () => (settings ??= settingsService.find(tenantDb('write')))
    const settled: Settled[] = []
    let next = 0
    const lane = async () => {
      while (next < claimed.length) {
        const notification = claimed[next++]
        settled.push(await this.#sendOne(notification, loadSettings))
      }
    }
    const lanes = Math.min(notificationsConfig.sendConcurrency(), claimed.length)
    await Promise.all(Array.from({ length: lanes }, lane))
    return settled
  }

  async #sendOne(
    notification: QueuedNotification,
    loadSettings: () => Promise<NotificationSettings | null>
  ): Promise<Settled> {
    try {
      const cap = await sendCapReached(notification, loadSettings)
      if (cap) {
        // Final, not retried: the row says why it was not sent.
        return { notification, result: { outcome: 'capped', cap }, retryInMs: 0 }
      }
      const channel = await app.container.make(channelClasses[notification.type])
      await channel.send(notification)
      return { notification, result: { outcome: 'delivered' }, retryInMs: 0 }
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught))
      const final =
        error instanceof PermanentDeliveryError ||
        notification.attempts >= notification.max_attempts
      if (final) return { notification, result: { outcome: 'failed', error }, retryInMs: 0 }
      const retryInMs = jitteredBackoff(notification.attempts, notificationsConfig.retryBaseMs())
      return { notification, result: { outcome: 'retry', error }, retryInMs }
    }
  }

  /** One statement for the whole batch; a row is written only while this claim still owns it. */
  async #record(settled: Settled[]) {
    if (settled.length === 0) return
    await tenantDb('write').rawQuery(
      `UPDATE notification_queue q
          SET status = o.status, updated_at = now(),
              locked_until = CASE WHEN o.status = 'pending'
                                  THEN now() + make_interval(secs => o.retry_in_ms / 1000.0) END,
              last_error = CASE WHEN o.error IS NULL THEN q.last_error ELSE left(o.error, 2000) END,
              processed_at = CASE WHEN o.status IN ('completed', 'failed') THEN now() END
         FROM unnest(?::uuid[], ?::int[], ?::text[], ?::text[], ?::int[])
              AS o(id, attempts, status, error, retry_in_ms)
        WHERE q.id = o.id AND q.merchant_id = ? AND q.status = 'processing'
          AND q.attempts = o.attempts`,
      [
        settled.map((item) => item.notification.id),
        settled.map((item) => item.notification.attempts),
        settled.map(rowStatus),
        settled.map(rowError),
        settled.map((item) => item.retryInMs),
        requireTenant().merchantId,
      ] as any[]
    )
  }

  /** A delayed job per row to retry; if Redis refuses, the sweep finds the row once its backoff ends. */
  async #scheduleRetries(settled: Settled[]) {
    const retries = settled.filter((item) => rowStatus(item) === 'pending')
    for (const item of retries) {
      const next = item.notification.attempts + 1
      await relay.handOff(
        [
          {
            id: item.notification.id,
            merchant_id: item.notification.merchant_id,
            type: item.notification.type,
            priority: item.notification.priority,
            scheduled_for: new Date(Date.now() + item.retryInMs),
            max_attempts: item.notification.max_attempts,
            attempt: next,
          },
        ],
        'retry',
        `-a${next}`
      )
    }
  }
}

function outcomeLabel(item: Settled) {
  const outcome = item.result.outcome
  if (outcome === 'retry') return 'retried'
  return outcome
}

export const delivery = new Delivery()
