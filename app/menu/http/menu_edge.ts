import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  featureFlags,
  merchantDirectory,
  moduleAvailability,
  type KillSwitchReader,
  type MerchantSnapshot,
} from '#tenancy/index'
import { httpRequestDuration } from '#core/observability/metrics'
import { requestIdFor } from '#core/http/request_id'
import { publicMenus, type RenderedMenu } from '#menu/services/public_menu'
import { isFilterError, parseMenuFilters } from '#menu/services/menu_filters'
import { matchesEtag, publicMenuHeaders } from '#menu/http/menu_http'

type Handle = (req: IncomingMessage, res: ServerResponse) => unknown

const PREFIX = '/api/v1/menus/'
const PUBLIC_MENU_PATH = /^\/api\/v1\/menus\/([a-z0-9-]{1,63})\/?(?:\?(.*))?$/i
const ROUTE = '/api/v1/menus/:merchantSlug'
/**
 * The statsig kill-switch answer per merchant, kept one second: statsig logs an exposure per check,
 * which shows at tens of thousands of requests a second. Suspension and module overrides still come
 * from the directory snapshot on every request (they are invalidated at once when they change).
 * docs/decisions/menu.md says why the module gate reads the switch on every request instead.
 */
const KILL_SWITCH_TTL_MS = 1000
const killSwitches = new Map<string, { killed: boolean; until: number }>()

/**
 * The public menu's hot path, answered the way an edge cache answers before the origin: in front
 * of the framework's request handler, a fresh in-memory render (bytes + strong ETag, 304 on a
 * match) is written before any HttpContext, middleware, routing, auth or rate limiting runs
 * (measured by benchmarks/menu.ts: the full stack alone costs more than the target ratio). It still refuses what the
 * full stack refuses (unknown or suspended merchant, menu module off or killed) from the cached
 * merchant snapshot, keeps X-Request-Id and the latency histogram, and hands anything it cannot
 * answer from memory (misses, stale copies, bad filters, staff calls) to the framework unchanged.
 */
export function withMenuEdge(handle: Handle): Handle {
  return function menuEdge(req, res) {
    const candidate =
      (req.method === 'GET' || req.method === 'HEAD') &&
      req.url?.startsWith(PREFIX) &&
      !req.headers.authorization
    // Synchronous on purpose: a hit creates no promise at all (async hooks are on in this process).
    if (candidate && serveFromMemory(req, res)) return
    return handle(req, res)
  }
}

function serveFromMemory(req: IncomingMessage, res: ServerResponse): boolean {
  const started = process.hrtime.bigint()
  const match = PUBLIC_MENU_PATH.exec(req.url!)
  if (!match) return false
  // Only what this process holds in memory; otherwise the framework resolves it (and warms memory).
  const merchant = merchantDirectory.peekBySlug(match[1])
  if (!merchant || !servesMenu(merchant)) return false
  const filters = parseMenuFilters(match[2] ?? '')
  if (isFilterError(filters)) return false
  const rendered = publicMenus.peek({ id: merchant.id, timezone: merchant.timezone }, filters)
  if (!rendered) return false

  const requestId = requestIdFor(req.headers['x-request-id'])
  let status = 200
  if (matchesEtag(req.headers['if-none-match'], rendered.etag)) {
    status = 304
    // A 304 carries the validators and caching headers but no body, so no Content-Type.
    const headers: Record<string, string> = { ...publicMenuHeaders(rendered, 'HIT-MEMORY') }
    delete headers['Content-Type']
    res.writeHead(304, { ...headers, 'X-Request-Id': requestId })
    res.end()
  } else {
    res.writeHead(200, [...hitHeaders(rendered), 'X-Request-Id', requestId])
    res.end(req.method === 'HEAD' ? undefined : rendered.body)
  }
  latency(req.method!, status).observe(Number(process.hrtime.bigint() - started) / 1e9)
  return true
}

// Pre-bound histogram children: no label hashing per hit.
const latencies = new Map<string, ReturnType<typeof httpRequestDuration.labels>>()
function latency(method: string, status: number) {
  const key = `${method} ${status}`
  let child = latencies.get(key)
  if (!child)
    latencies.set(key, (child = httpRequestDuration.labels({ method, route: ROUTE, status })))
  return child
}

// The constant part of a hit's headers, flattened once per render (writeHead takes [name, value, ...]).
const hitHeaderCache = new WeakMap<RenderedMenu, string[]>()
function hitHeaders(rendered: RenderedMenu): string[] {
  let flat = hitHeaderCache.get(rendered)
  if (!flat) {
    const headers = {
      ...publicMenuHeaders(rendered, 'HIT-MEMORY'),
      'Content-Length': String(rendered.body.length),
    }
    flat = Object.entries(headers).flat()
    hitHeaderCache.set(rendered, flat)
  }
  return flat
}

/** What the resolver and the module gate would let through, from the snapshot alone. */
function servesMenu(merchant: MerchantSnapshot): boolean {
  return (
    merchant.status === 'active' &&
    merchant.published !== false &&
    moduleAvailability('menu', merchant, cachedKillSwitch) === 'available'
  )
}

/** The owner's kill switch, through the one-second cache (keyed by merchant: asked for 'menu' only). */
const cachedKillSwitch: KillSwitchReader = (module, merchant) => {
  const now = Date.now()
  const known = killSwitches.get(merchant.id)
  if (known && known.until > now) return known.killed
  const killed = featureFlags.moduleKilled(module, { merchantId: merchant.id, tier: merchant.tier })
  if (killSwitches.size >= 10_000) killSwitches.clear()
  killSwitches.set(merchant.id, { killed, until: now + KILL_SWITCH_TTL_MS })
  return killed
}
