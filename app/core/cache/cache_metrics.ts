import { metrics } from '#core/observability/metrics'

/** Lookups by cache, tier (memory, redis) and result (hit, miss, stale). */
export const cacheTierLookups = metrics.counter({
  name: 'cache_tier_lookups_total',
  help: 'Cache lookups by cache name, tier (memory, redis) and result (hit, miss, stale)',
  labelNames: ['cache', 'tier', 'result'],
})

/** Origin loads (the database) by cache and result (ok, error). */
export const cacheOriginLoads = metrics.counter({
  name: 'cache_origin_loads_total',
  help: 'Loads from the origin behind a cache, by cache name and result (ok, error)',
  labelNames: ['cache', 'result'],
})

/** Per-cache request counts since start, read by the hit-ratio gauge when /metrics is scraped. */
const totals = new Map<string, { served: number; hits: number }>()

export function countServed(cache: string, hit: boolean) {
  let total = totals.get(cache)
  if (!total) totals.set(cache, (total = { served: 0, hits: 0 }))
  total.served++
  if (hit) total.hits++
}

metrics.gauge({
  name: 'cache_hit_ratio',
  help: 'Share of cache requests answered from memory or Redis (not the origin, not stale), since start',
  labelNames: ['cache'],
  collect() {
    for (const [cache, total] of totals) this.set({ cache }, total.served ? total.hits / total.served : 0)
  },
})
