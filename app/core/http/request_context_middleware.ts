import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { budgetExceededTotal, httpRequestDuration } from '#core/observability/metrics'
import { exceedsBudget, type ApiBudgetCategory } from '#core/observability/budgets'
import { requestIdFor } from '#core/http/request_id'

/**
 * First middleware of every request: a request id (an incoming X-Request-Id when it looks sane,
 * else a random UUID, cheaper than the framework's), a logger bound to it, and the latency
 * histogram plus performance-budget counter once the response is written.
 */
export default class RequestContextMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const started = process.hrtime.bigint()
    const requestId = requestIdFor(ctx.request.header('x-request-id'))
    ctx.requestId = requestId
    ctx.response.header('X-Request-Id', requestId)
    const base = ctx.logger
    lazyRequestLogger(ctx, { request_id: requestId })

    ctx.response.response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const route = ctx.route?.pattern ?? 'unmatched'
      httpRequestDuration.observe(
        { method: ctx.request.method(), route, status: ctx.response.getStatus() },
        seconds
      )
      const budget = (ctx.route?.meta?.budget ?? 'default') as ApiBudgetCategory
      if (exceedsBudget(budget, seconds * 1000))
        budgetExceededTotal.inc({ category: budget, route })
      // ctx.logger is read now: by then it carries the merchant id too.
      if (base.isLevelEnabled('info'))
        ctx.logger.info(
          {
            method: ctx.request.method(),
            route,
            status: ctx.response.getStatus(),
            ms: Math.round(seconds * 1000),
          },
          'request completed'
        )
    })
    return next()
  }
}

/**
 * ctx.logger becomes a child logger with the request's bindings, created on first use only (a pino child
 * serialises its bindings at once, a real cost per request when nothing is logged). ctx.bindLog() adds
 * bindings (the tenant resolver adds merchant_id).
 */
function lazyRequestLogger(ctx: HttpContext, bindings: Record<string, string>) {
  const root = ctx.logger
  let child: typeof root | undefined
  Object.defineProperty(ctx, 'logger', {
    configurable: true,
    enumerable: true,
    get: () => (child ??= root.child(bindings)),
    set: (value) => (child = value),
  })
  ctx.bindLog = (extra) => {
    Object.assign(bindings, extra)
    child = undefined
  }
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    requestId: string
    bindLog(bindings: Record<string, string>): void
  }
}
