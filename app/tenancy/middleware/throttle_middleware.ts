import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { LimiterResponse } from '@adonisjs/limiter'
import rateLimits, { type RateLimitName } from '#config/rate_limits'
import { rateLimitRejectionsTotal } from '#core/observability/metrics'
import { LeasedLimiter } from '#tenancy/services/leased_limiter'

const limiters = new Map<RateLimitName, LeasedLimiter>()

function limiterFor(name: RateLimitName): LeasedLimiter {
  let instance = limiters.get(name)
  if (!instance) {
    instance = new LeasedLimiter(rateLimits[name])
    limiters.set(name, instance)
  }
  return instance
}

/**
 * Sign-in, sign-up and forgot-password attempts are keyed on the client address alone: a merchant named
 * by the client (X-Merchant) would multiply the budget by the number of merchants, and a bearer token (a
 * sign-up hands one out) would buy a fresh one. Other limits key a signed-in caller by user, anyone else
 * by address and merchant, so guests of several shops behind one address do not share one budget.
 */
const PER_ADDRESS_ONLY = new Set<RateLimitName>(['auth', 'sign_up', 'password_forgot'])

function callerKey(ctx: HttpContext, perAddress: boolean) {
  if (perAddress) return `ip:${ctx.request.ip()}`
  if (ctx.actor) return `user:${ctx.actor.userId}`
  return `ip:${ctx.request.ip()}:${ctx.tenant?.merchantId ?? '-'}`
}

/**
 * Rate limits shared by every process through Redis, spent from leases held in memory
 * (app/tenancy/services/leased_limiter.ts). Use as middleware.throttle({ limit: 'auth' }). A unit
 * spent from a lease this process holds costs no promise; only a claim waits on Redis.
 */
export function throttle(options: { limit: RateLimitName } = { limit: 'api' }) {
  const limit = options.limit
  const perAddress = PER_ADDRESS_ONLY.has(limit)
  return function throttleMiddleware(ctx: HttpContext, next: NextFn) {
    const limiter = limiterFor(limit)
    const key = `${limit}:${callerKey(ctx, perAddress)}`
    const proceed = (result: LimiterResponse) => {
      ctx.response.header('X-RateLimit-Limit', result.limit)
      ctx.response.header('X-RateLimit-Remaining', result.remaining)
      return next()
    }
    const refused = (error: unknown) => {
      if ((error as { code?: string }).code === 'E_TOO_MANY_REQUESTS')
        rateLimitRejectionsTotal.inc({ limiter: limit })
      throw error
    }
    let held: LimiterResponse | undefined
    try {
      held = limiter.spendHeld(key)
    } catch (error) {
      refused(error)
    }
    return held ? proceed(held) : limiter.consume(key).then(proceed, refused)
  }
}
