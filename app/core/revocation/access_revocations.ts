import redis from '@adonisjs/redis/services/main'
import logger from '@adonisjs/core/services/logger'

export const REVOCATION_REASONS = [
  'signed_out',
  'membership_removed',
  'account_erased',
  'merchant_suspended',
  'module_disabled',
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

type Handler = (revocation: AccessRevocation) => void

/**
 * One Redis pub/sub signal for every revocation (sign-out, membership removal, erasure, suspension, module
 * switched off), published once by whoever revokes and handled in every process: open sockets are closed
 * (app/core/realtime/realtime.ts); anything else that caches access listens to the same signal. Redis
 * pub/sub ignores the database number, so the channel carries it: deployments sharing one Redis stay apart.
 */
class AccessRevocations {
  #handlers = new Set<Handler>()
  #subscribed?: Promise<void>

  get #channel() {
    return `access:revoked:db${redis.connection('main').ioConnection.options.db ?? 0}`
  }

  /** Tells every process; never throws for Redis (see below). */
  async publish(revocation: AccessRevocation) {
    if (!revocation.tokenId && !revocation.userId && !revocation.merchantId) {
      throw new Error('A revocation names a token, a user or a merchant')
    }
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
      redis
        .connection('main')
        .subscribe(this.#channel, (message: string) => this.#dispatch(message), {
          onSubscription: () => resolve(),
          onError: (error) => reject(error),
        })
    }).catch((error) => {
      // A failed subscription is tried again by the next listen() (Redis may have been down at boot).
      this.#subscribed = undefined
      throw error
    })
    return this.#subscribed
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
