import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import redis from '@adonisjs/redis/services/main'
import string from '@adonisjs/core/helpers/string'
import { LimiterResponse, errors } from '@adonisjs/limiter'

/** What one process holds of one key's budget in the current window. */
type Lease = {
  /** Units granted to this process and not used yet. */
  left: number
  /** The window's budget not granted to any process, as Redis last said. */
  unclaimed: number
  /** When the Redis window ends (epoch ms): the lease is void after it. */
  windowEnds: number
}

/** A lease is this share of the limit (at least 1, at most MAX_LEASE units). */
const LEASE_SHARE = 1 / 20
const MAX_LEASE = 1000
/** Keys held per limit and process; past it, the oldest leases are dropped (their units are lost). */
const MAX_KEYS = 50_000

/**
 * A fixed-window rate limit shared by every app process through Redis, without a Redis round trip per
 * request: a process claims a lease of several units at once (one atomic increment of the window's
 * counter by the lease size) and spends it from memory. Redis counts every granted unit, so the
 * processes together never admit more than the limit; a unit leased and not spent before the window
 * ends is lost, so a client may be refused a little before the limit (at most `lease - 1` units per
 * other process). Limits of 20 or fewer requests lease one unit: they stay exact request by request.
 * A key whose window is spent is refused from memory until the window ends. See
 * docs/decisions/rate-limit-leases.md.
 */
export class LeasedLimiter {
  readonly limit: number
  readonly leaseSize: number
  #store: RateLimiterRedis
  #leases = new Map<string, Lease>()
  #claims = new Map<string, Promise<void>>()

  constructor(config: { requests: number; duration: string }) {
    this.limit = config.requests
    this.leaseSize = Math.min(MAX_LEASE, Math.max(1, Math.floor(config.requests * LEASE_SHARE)))
    this.#store = new RateLimiterRedis({
      storeClient: redis.connection('main').ioConnection,
      keyPrefix: 'ratelimit',
      points: config.requests,
      duration: string.seconds.parse(config.duration),
    })
  }

  /**
   * Spends one unit of `key`'s budget from the lease this process holds, synchronously: the response,
   * or undefined when a claim on Redis is needed first (then call consume). Throws
   * E_TOO_MANY_REQUESTS when the window is spent.
   */
  spendHeld(key: string): LimiterResponse | undefined {
    const lease = this.#leases.get(key)
    const now = Date.now()
    if (!lease || lease.windowEnds <= now) return undefined
    if (lease.left > 0) {
      lease.left--
      return this.#response(lease, now)
    }
    if (lease.unclaimed === 0) throw new errors.E_TOO_MANY_REQUESTS(this.#response(lease, now))
    return undefined
  }

  /** Spends one unit of `key`'s budget, or throws E_TOO_MANY_REQUESTS with the limiter's headers. */
  async consume(key: string): Promise<LimiterResponse> {
    for (;;) {
      const held = this.spendHeld(key)
      if (held) return held
      // One claim per key at a time: requests arriving meanwhile share its outcome.
      let claim = this.#claims.get(key)
      if (!claim) {
        claim = this.#claim(key).finally(() => this.#claims.delete(key))
        this.#claims.set(key, claim)
      }
      await claim
    }
  }

  async #claim(key: string) {
    let counted: number
    let msBeforeNext: number
    try {
      const result = await this.#store.consume(key, this.leaseSize)
      counted = result.consumedPoints
      msBeforeNext = result.msBeforeNext
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error
      counted = error.consumedPoints
      msBeforeNext = error.msBeforeNext
    }
    // Redis added the whole lease to the window's counter; what lay past the limit is not ours.
    const granted = Math.max(0, Math.min(this.leaseSize, this.limit - (counted - this.leaseSize)))
    this.#leases.delete(key)
    if (this.#leases.size >= MAX_KEYS) this.#evict()
    this.#leases.set(key, {
      left: granted,
      unclaimed: Math.max(0, this.limit - counted),
      windowEnds: Date.now() + msBeforeNext,
    })
  }

  /** Drops ended windows, then the oldest leases if that was not enough. */
  #evict() {
    const now = Date.now()
    for (const [key, lease] of this.#leases) if (lease.windowEnds <= now) this.#leases.delete(key)
    for (const key of this.#leases.keys()) {
      if (this.#leases.size < MAX_KEYS * 0.9) break
      this.#leases.delete(key)
    }
  }

  #response(lease: Lease, now: number) {
    const remaining = lease.left + lease.unclaimed
    return new LimiterResponse({
      limit: this.limit,
      remaining,
      consumed: this.limit - remaining,
      availableIn: Math.max(1, Math.ceil((lease.windowEnds - now) / 1000)),
    })
  }
}
