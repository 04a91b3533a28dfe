import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { featureFlags, merchantDirectory, type MerchantSnapshot } from '#tenancy/index'
import { publicMenus } from '#menu/services/public_menu'
import { isFilterError, parseMenuFilters } from '#menu/services/menu_filters'
import { matchesEtag, publicMenuHeaders } from '#menu/http/menu_http'

const PUBLIC_MENU_PATH = /^\/api\/v1\/menus\/([a-z0-9-]{1,63})\/?(?:\?(.*))?$/i
/**
 * The statsig kill-switch answer per merchant, kept one second: statsig logs an exposure per check,
 * which shows at tens of thousands of requests a second. Suspension and module overrides still come
 * from the directory snapshot on every request (they are invalidated at once when they change).
 */
const KILL_SWITCH_TTL_MS = 1000
const killSwitches = new Map<string, { killed: boolean; until: number }>()

/**
 * The public menu's hot path, answered the way an edge cache answers before the origin: a server
 * middleware that serves a fresh in-memory render (bytes + ETag, 304 on a match) before routing,
 * auth, tenant resolution and the rate limiter run. It still honours what the full stack would
 * refuse (unknown or suspended merchant, menu module off or killed) from the cached merchant
 * snapshot; anything it cannot answer from memory goes down the normal route unchanged.
 */
export default class MenuEdgeMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const request = ctx.request.request
    if (request.method !== 'GET' && request.method !== 'HEAD') return next()
    const url = request.url ?? ''
    if (!url.startsWith('/api/v1/menus/') || request.headers.authorization) return next()
    const match = PUBLIC_MENU_PATH.exec(url)
    if (!match) return next()

    const merchant = await merchantDirectory.bySlug(match[1])
    if (!merchant || !servesMenu(merchant)) return next()
    const filters = parseMenuFilters(match[2] ?? '')
    if (isFilterError(filters)) return next()
    const rendered = publicMenus.peek({ id: merchant.id, timezone: merchant.timezone }, filters)
    if (!rendered) return next()

    const response = ctx.response.response
    const headers = { ...ctx.response.getHeaders(), ...publicMenuHeaders(rendered, 'HIT-MEMORY') }
    if (matchesEtag(request.headers['if-none-match'], rendered.etag)) {
      delete headers['Content-Type']
      response.writeHead(304, headers)
      response.end()
      return
    }
    response.writeHead(200, { ...headers, 'Content-Length': rendered.body.length })
    response.end(request.method === 'HEAD' ? undefined : rendered.body)
  }
}

function servesMenu(merchant: MerchantSnapshot): boolean {
  return (
    merchant.status === 'active' &&
    merchant.modules.includes('menu') &&
    !menuKilled(merchant)
  )
}

function menuKilled(merchant: MerchantSnapshot): boolean {
  const now = Date.now()
  const known = killSwitches.get(merchant.id)
  if (known && known.until > now) return known.killed
  const killed = featureFlags.moduleKilled('menu', { merchantId: merchant.id, tier: merchant.tier })
  if (killSwitches.size >= 10_000) killSwitches.clear()
  killSwitches.set(merchant.id, { killed, until: now + KILL_SWITCH_TTL_MS })
  return killed
}
