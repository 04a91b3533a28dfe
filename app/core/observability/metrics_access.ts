import { timingSafeEqual } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { MetricsTokenRequiredException } from '#core/exceptions/core_errors'
import { isLoopbackAddress } from '#core/http/loopback'

function sameSecret(given: string, expected: string) {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Who may scrape /metrics (it shows revenue, connection names, queue depth):
 * - METRICS_TOKEN set: whoever sends it as a bearer token, and nobody else;
 * - no token, outside production: only a client on this machine (the TCP peer is loopback), so
 *   `npm start` and the tests can scrape without configuration;
 * - no token in production: nobody.
 */
export function authorizeScrape(
  ctx: Pick<HttpContext, 'request'>,
  options: { token?: string; loopbackWithoutToken: boolean }
) {
  if (options.token) {
    const header = ctx.request.header('authorization') ?? ''
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : ''
    if (given && sameSecret(given, options.token)) return
    throw new MetricsTokenRequiredException()
  }
  // The TCP peer, never X-Forwarded-For (a client can write that).
  if (options.loopbackWithoutToken && isLoopbackAddress(ctx.request.request.socket.remoteAddress))
    return
  throw new MetricsTokenRequiredException()
}
