import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
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
 * Sign-in attempts are keyed on the client address alone: a merchant named by the client (X-Merchant)
 * would multiply the budget by the number of merchants. Other anonymous limits are per merchant too,
 * so guests of several shops behind one address do not share one budget.
 */
function anonymousKey(ctx: HttpContext, limit: RateLimitName) {
  return limit === 'auth'
    ? `ip:${ctx.request.ip()}`
    : `ip:${ctx.request.ip()}:${ctx.tenant?.merchantId ?? '-'}`
}

/**
 * Rate limits shared by every process through Redis, spent from leases held in memory
 * (app/tenancy/services/leased_limiter.ts). Use as middleware.throttle({ limit: 'auth' }).
 */
export default class ThrottleMiddleware {
  async handle(
    ctx: HttpContext,
    next: NextFn,
    options: { limit: RateLimitName } = { limit: 'api' }
  ) {
    const who = ctx.actor ? `user:${ctx.actor.userId}` : anonymousKey(ctx, options.limit)
    let result
    try {
      result = await limiterFor(options.limit).consume(`${options.limit}:${who}`)
    } catch (error) {
      if ((error as { code?: string }).code === 'E_TOO_MANY_REQUESTS')
        rateLimitRejectionsTotal.inc({ limiter: options.limit })
      throw error
    }
    ctx.response.header('X-RateLimit-Limit', result.limit)
    ctx.response.header('X-RateLimit-Remaining', result.remaining)
    return next()
  }
}
