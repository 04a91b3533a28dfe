import redis from '@adonisjs/redis/services/main'
import logger from '@adonisjs/core/services/logger'

export const REVOCATION_REASONS = [
  'signed_out',
  'membership_removed',
  'role_changed',
  'account_erased',
  'merchant_suspended',
  'module_disabled',
  'password_changed',
  'session_revoked',
] as const
export type RevocationReason = (typeof REVOCATION_REASONS)[number]

/**
 * What lost its access, and why. The fields are AND-ed: { userId, merchantId } is that user's access at
 * that merchant; { merchantId, module } is what of that merchant depends on that module.
 */
export type AccessRevocation = {
  reason: RevocationReason
  tokenId?: string
  userId?: string
  merchantId?: string
  module?: string
}

/** What some access belongs to: a token, its user, the merchant it speaks for, a module it uses. */
export type AccessHolder = {
  tokenId?: string | null
  userId?: string | null
  merchantId?: string | null
  module?: string | null
}

/** Whether a revocation covers this access: every field the revocation names must match (AND). */
export function revocationCovers(revocation: AccessRevocation, holder: AccessHolder) {
  return (
    (!revocation.tokenId || holder.tokenId === revocation.tokenId) &&
    (!revocation.userId || holder.userId === revocation.userId) &&
    (!revocation.merchantId || holder.merchantId === revocation.merchantId) &&
    (!revocation.module || holder.module === revocation.module)
  )
}

type Handler = (revocation: AccessRevocation) => void

/**
 * One Redis pub/sub signal for every revocation (sign-out, membership removal, erasure, suspension, module
 * switched off), published once by whoever revokes and handled in every process: open sockets are closed
 * (app/core/realtime/realtime.ts), verified tokens are forgotten (app/tenancy/services/verified_tokens.ts).
 * Redis pub/sub ignores the database number, so the channel carries it: deployments sharing one Redis stay
 * apart.
 *
 * Whoever caches access must know when it could have missed a message: `live` is true only while the
 * subscription is confirmed and its connection up, and `onGap` handlers run when it stops being so (the
 * connection dropped: messages published meanwhile are lost) and again once it is confirmed after a
 * reconnect.
 */
class AccessRevocations {
  #handlers = new Set<Handler>()
  #gapHandlers = new Set<() => void>()
  #subscribed?: Promise<void>
  #confirmed = false

  get #connection() {
    return redis.connection('main')
  }

  get #channel() {
    return `access:revoked:db${this.#connection.ioConnection.options.db ?? 0}`
  }

  /**
   * Whether every revocation published from now on reaches this process. Read on hot paths: a property
   * check. The connection's status changes as soon as the socket closes, before any event is delivered.
   */
  get live(): boolean {
    if (!this.#confirmed) return false
    if (this.#connection.subscriberStatus === 'ready') return true
    this.#lost()
    return false
  }

  /** Runs when revocations may have been missed (see the class comment). */
  onGap(handler: () => void) {
    this.#gapHandlers.add(handler)
  }

  /** Tells every process, this one at once; never throws for Redis (see below). */
  async publish(revocation: AccessRevocation) {
    if (!revocation.tokenId && !revocation.userId && !revocation.merchantId) {
      throw new Error('A revocation names a token, a user or a merchant')
    }
    // This process does not wait for its own message to come back: the revoker's next request must
    // already see the revocation. Handlers are idempotent; the echo from Redis runs them again.
    this.#handle(revocation)
    const message = {
      reason: revocation.reason,
      token_id: revocation.tokenId ?? null,
      user_id: revocation.userId ?? null,
      merchant_id: revocation.merchantId ?? null,
      module: revocation.module ?? null,
    }
    try {
      await redis.connection('main').publish(this.#channel, JSON.stringify(message))
    } catch (error) {
      // The revocation itself is already committed (the caller's database change) and must not fail on
      // Redis: sockets' periodic re-validation closes what the lost signal would have (core/realtime).
      logger.error({ err: error, reason: revocation.reason }, 'access revocation not published')
    }
  }

  /** Calls the handler for every revocation published from now on, in any process; resolves once subscribed. */
  listen(handler: Handler): Promise<void> {
    this.#handlers.add(handler)
    this.#subscribed ??= new Promise<void>((resolve, reject) => {
      const connection = this.#connection
      connection.subscribe(this.#channel, (message: string) => this.#dispatch(message), {
        onSubscription: () => {
          this.#watch()
          this.#confirmed = true
          resolve()
        },
        onError: (error) => reject(error),
      })
    }).catch((error) => {
      // A failed subscription is tried again by the next listen() (Redis may have been down at boot).
      this.#subscribed = undefined
      throw error
    })
    return this.#subscribed
  }

  /**
   * ioredis subscribes again by itself after a reconnect, but only says "ready" before that SUBSCRIBE is
   * answered: we send our own (idempotent) and count the subscription as live once Redis confirms it.
   * A subscriber connection that ended (closed on purpose) takes the subscription with it.
   */
  #watching = false
  #watch() {
    if (this.#watching) return
    this.#watching = true
    const connection = this.#connection
    connection.on('subscriber:close', () => this.#lost())
    connection.on('subscriber:ready', () => {
      connection.ioSubscriberConnection?.subscribe(this.#channel).then(
        () => {
          if (this.#confirmed || !this.#subscribed) return
          this.#confirmed = true
          this.#gap()
        },
        () => {}
      )
    })
    connection.on('subscriber:end', () => {
      this.#lost()
      this.#watching = false
      this.#subscribed = undefined
    })
  }

  #lost() {
    if (!this.#confirmed) return
    this.#confirmed = false
    this.#gap()
  }

  #gap() {
    for (const handler of this.#gapHandlers) {
      try {
        handler()
      } catch (error) {
        logger.error({ err: error }, 'access revocation gap handler failed')
      }
    }
  }

  #dispatch(message: string) {
    let revocation: AccessRevocation
    try {
      const parsed = JSON.parse(message)
      if (!REVOCATION_REASONS.includes(parsed.reason)) return
      revocation = {
        reason: parsed.reason,
        tokenId: parsed.token_id ?? undefined,
        userId: parsed.user_id ?? undefined,
        merchantId: parsed.merchant_id ?? undefined,
        module: parsed.module ?? undefined,
      }
    } catch {
      return
    }
    this.#handle(revocation)
  }

  #handle(revocation: AccessRevocation) {
    for (const handler of this.#handlers) {
      try {
        handler(revocation)
      } catch (error) {
        logger.error({ err: error, reason: revocation.reason }, 'access revocation handler failed')
      }
    }
  }
}

export const accessRevocations = new AccessRevocations()
