import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { budgetExceededTotal, httpRequestDuration } from '#core/observability/metrics'
import { exceedsBudget, type ApiBudgetCategory } from '#core/observability/budgets'
import { requestIdFor } from '#core/http/request_id'
import { snakeKeys } from '#core/http/json_keys'

/**
 * First middleware of every request: a request id (an incoming X-Request-Id when it looks sane,
 * else a random UUID, cheaper than the framework's), a logger bound to it, the latency histogram
 * plus performance-budget counter once the response is written, and the one wire format on the way
 * out. Staff tokens are checked by the tenant resolver (app/tenancy/services/verified_tokens.ts), so
 * nothing creates `ctx.auth`. One middleware for all of it: every middleware costs a
 * container resolution and a few promises per request (benchmarks/kernel.ts).
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
    await next()
    toWireFormat(ctx)
  }
}

/**
 * Every JSON body leaves in snake_case (docs/decisions/wire-format.md): controllers return camelCase
 * objects, Lucid models or snake_case rows alike. Pre-rendered bytes (strings and buffers, e.g. the
 * public menu) are sent as they are.
 */
function toWireFormat({ response }: HttpContext) {
  const content = response.content
  if (!content || content.length > 2) return
  const [body, generateEtag] = content
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return
  // snakeKeys leaves plain data, so JSON.stringify serializes it as the framework would, for less.
  response.safeHeader('Content-Type', 'application/json; charset=utf-8')
  response.send(JSON.stringify(snakeKeys(body)), generateEtag)
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
