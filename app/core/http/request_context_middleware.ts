import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { budgetExceededTotal, httpRequestDuration } from '#core/observability/metrics'
import { exceedsBudget, type ApiBudgetCategory } from '#core/observability/budgets'
import { requestIdFor } from '#core/http/request_id'
import { snakeKeys } from '#core/http/json_keys'

/**
 * First middleware of every request: a request id (an incoming X-Request-Id when it looks sane,
 * else a random UUID, cheaper than the framework's), the request's log fields (every line logged
 * while it is served carries them: core/observability/request_log_fields.ts), the latency histogram
 * plus performance-budget counter once the response is written, and the one wire format on the way
 * out. Staff tokens are checked by the tenant resolver (app/tenancy/services/verified_tokens.ts), so
 * nothing creates `ctx.auth`. One middleware for all of it: every middleware costs a container
 * resolution and a few promises per request (benchmarks/kernel.ts). Nothing is defined on `ctx`
 * beyond plain assignments: a property defined with a getter turned it into a slow dictionary object
 * for the rest of the request.
 */
export default class RequestContextMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const started = process.hrtime.bigint()
    const requestId = requestIdFor(ctx.request.header('x-request-id'))
    ctx.requestId = requestId
    ctx.logFields = { request_id: requestId }
    ctx.response.header('X-Request-Id', requestId)
    ctx.response.response.on('finish', () => requestFinished(ctx, started))
    await next()
    toWireFormat(ctx)
  }
}

function requestFinished(ctx: HttpContext, started: bigint) {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const route = ctx.route?.pattern ?? 'unmatched'
  const status = ctx.response.getStatus()
  httpRequestDuration.observe({ method: ctx.request.method(), route, status }, seconds)
  const budget = (ctx.route?.meta?.budget ?? 'default') as ApiBudgetCategory
  if (exceedsBudget(budget, seconds * 1000)) budgetExceededTotal.inc({ category: budget, route })
  // The fields are named: a response's 'finish' need not run where the request did.
  if (ctx.logger.isLevelEnabled('info'))
    ctx.logger.info(
      {
        ...ctx.logFields,
        method: ctx.request.method(),
        route,
        status,
        ms: Math.round(seconds * 1000),
      },
      'request completed'
    )
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

declare module '@adonisjs/core/http' {
  interface HttpContext {
    requestId: string
  }
}
