import type { RedisConnection } from '@adonisjs/redis'
import { metrics } from '#core/observability/metrics'

export type CacheSource = 'memory' | 'redis' | 'miss'

const cacheLookups = metrics.counter({
  name: 'cache_lookups_total',
  help: 'Cache lookups by cache name and outcome (memory, redis, miss)',
  labelNames: ['cache', 'outcome'],
})

type MemoryEntry = { value: unknown; expiresAt: number }

/**
 * A small in-process tier (short TTL, bounded size) in front of Redis, with per-process
 * single-flight on misses. delete() removes the Redis copy and tells every process (pub/sub)
 * to drop its memory copy, so a change is visible everywhere on the next read.
 */
export class TieredCache {
  #memory = new Map<string, MemoryEntry>()
  #inflight = new Map<string, Promise<{ value: unknown; source: CacheSource }>>()
  #listening = false

  constructor(
    private redis: RedisConnection,
    private options: { name: string; memoryMax: number; memoryTtlMs: number }
  ) {}

  get #channel() {
    return `cache:${this.options.name}:invalidate`
  }

  /** Subscribes to invalidations from other processes (idempotent). */
  async listen() {
    if (this.#listening) return
    this.#listening = true
    await this.redis.subscribe(this.#channel, (message: string) => {
      for (const key of JSON.parse(message) as string[]) this.#memory.delete(key)
    })
  }

  /** The fresh memory copy, without I/O or promises (hot paths answered before the framework); undefined otherwise. */
  peek<T>(key: string): T | undefined {
    const entry = this.#memory.get(key)
    if (!entry || entry.expiresAt <= Date.now()) return undefined
    cacheLookups.inc({ cache: this.options.name, outcome: 'memory' })
    return entry.value as T
  }

  async getOrLoad<T>(key: string, ttlSeconds: number, loader: () => Promise<T | null>): Promise<{ value: T | null; source: CacheSource }> {
    const entry = this.#memory.get(key)
    if (entry && entry.expiresAt > Date.now()) {
      cacheLookups.inc({ cache: this.options.name, outcome: 'memory' })
      return { value: entry.value as T, source: 'memory' }
    }
    const pending = this.#inflight.get(key)
    if (pending) return pending as Promise<{ value: T | null; source: CacheSource }>
    const work = this.#fromRedisOrLoader(key, ttlSeconds, loader).finally(() => this.#inflight.delete(key))
    this.#inflight.set(key, work)
    return work
  }

  async #fromRedisOrLoader<T>(key: string, ttlSeconds: number, loader: () => Promise<T | null>) {
    const cached = await this.redis.get(key)
    if (cached !== null) {
      const value = JSON.parse(cached) as T
      this.#remember(key, value)
      cacheLookups.inc({ cache: this.options.name, outcome: 'redis' })
      return { value, source: 'redis' as CacheSource }
    }
    cacheLookups.inc({ cache: this.options.name, outcome: 'miss' })
    const value = await loader()
    if (value !== null) {
      await this.redis.set(key, JSON.stringify(value), 'EX', ttlSeconds)
      this.#remember(key, value)
    }
    return { value, source: 'miss' as CacheSource }
  }

  #remember(key: string, value: unknown) {
    if (this.#memory.size >= this.options.memoryMax) {
      // Oldest insertion first: a cheap approximation of LRU for a small tier.
      this.#memory.delete(this.#memory.keys().next().value!)
    }
    this.#memory.set(key, { value, expiresAt: Date.now() + this.options.memoryTtlMs })
  }

  async delete(...keys: string[]) {
    if (keys.length === 0) return
    for (const key of keys) this.#memory.delete(key)
    await this.redis.del(...keys)
    await this.redis.publish(this.#channel, JSON.stringify(keys))
  }

  /** Drops this process's memory tier (tests, and after a shard map change). */
  clearMemory() {
    this.#memory.clear()
  }
}
