import { metrics } from '#core/observability/metrics'

/**
 * Every cache lookup, by cache name, tier (memory, redis) and outcome (hit, miss, stale). A read that
 * misses memory is counted twice, once per tier, so the hit ratio is
 * sum(outcome="hit") / sum(tier="memory").
 */
export const cacheLookups = metrics.tally({
  name: 'cache_lookups_total',
  help: 'Cache lookups by cache name, tier (memory, redis) and outcome (hit, miss, stale)',
  labelNames: ['cache', 'tier', 'outcome'],
})

/** Origin loads (the database) by cache and result (ok, error). */
export const cacheOriginLoads = metrics.counter({
  name: 'cache_origin_loads_total',
  help: 'Loads from the origin behind a cache, by cache name and result (ok, error)',
  labelNames: ['cache', 'result'],
})
