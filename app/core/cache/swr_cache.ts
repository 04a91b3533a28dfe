import type { RedisConnection } from '@adonisjs/redis'
import logger from '@adonisjs/core/services/logger'
import { RedisLock } from '#core/cache/redis_lock'
import { cacheLookups, cacheOriginLoads } from '#core/cache/cache_metrics'

/** What answered a read; sent to clients as the X-Cache header. */
export type CacheOutcome = 'HIT-MEMORY' | 'HIT-REDIS' | 'MISS' | 'STALE'
export type CacheRead<T> = { value: T; outcome: CacheOutcome }

export type SwrCacheOptions = {
  /** Prefix of every Redis key and the pub/sub channel; the `cache` label of the metrics (a fixed name). */
  name: string
  /** How long a value is fresh (Redis tier). */
  ttlSeconds: number
  /** After freshness, how long a stale copy is served while one refresh runs in the background (0: never). */
  staleWhileRevalidateSeconds: number
  /** After freshness, how long a stale copy is served when the origin fails, e.g. database down (0: never). */
  staleIfErrorSeconds: number
  /** Memory tier: a short TTL so other processes' writes show up, and a bounded size. */
  memoryTtlMs: number
  memoryMax: number
  /** Cross-process rebuild lock: held at most this long; waiters poll Redis at pollMs. */
  lockTtlMs?: number
  pollMs?: number
}

type Envelope<T> = { f: number; v: T }
type MemoryEntry<T> = { value: T; freshUntil: number; memoryUntil: number; storedUntil: number }
type Loader<T> = () => Promise<T>

/**
 * The application's one read-through cache (menus, the merchant directory, dashboards; why it is
 * home-made rather than @adonisjs/cache: docs/decisions/cache.md):
 * - memory tier (per process, short TTL) in front of Redis (shared, the real TTL), with a synchronous
 *   peek() for hot paths answered before the framework;
 * - per-process single-flight, plus a Redis lock so a cold key is loaded once across processes;
 * - stale-while-revalidate (serve the stale copy while one refresh runs) and stale-if-error
 *   (serve it while the origin is down);
 * - versioned namespaces: bump(ns) makes every key of ns obsolete at once, in every process
 *   (pub/sub), so the next read after a write sees it, and a load that was already running when
 *   the write happened can only fill the old version. Old versions simply expire in Redis.
 * A loader's null (or undefined) is returned but not stored: "not found" is never cached.
 * Redis failures degrade to the origin instead of failing the read.
 */
export class SwrCache {
  #memory = new Map<string, MemoryEntry<unknown>>()
  #versions = new Map<string, { version: number; until: number }>()
  #inflight = new Map<string, Promise<CacheRead<unknown>>>()
  #refreshing = new Map<string, Promise<void>>()
  #retryAfter = new Map<string, number>()
  #lock: RedisLock
  #listening?: Promise<void>
  #lookups: Record<
    'memoryHit' | 'memoryMiss' | 'redisHit' | 'redisMiss' | 'redisStale',
    { inc(): void }
  >
  #loads: Record<'ok' | 'error', { inc(): void }>

  /** The clock; tests move it forward to age entries without waiting. */
  now: () => number = () => Date.now()

  constructor(
    private redis: RedisConnection,
    readonly options: SwrCacheOptions
  ) {
    this.#lock = new RedisLock(redis)
    const name = options.name
    this.#lookups = {
      memoryHit: cacheLookups.child({ cache: name, tier: 'memory', outcome: 'hit' }),
      memoryMiss: cacheLookups.child({ cache: name, tier: 'memory', outcome: 'miss' }),
      redisHit: cacheLookups.child({ cache: name, tier: 'redis', outcome: 'hit' }),
      redisMiss: cacheLookups.child({ cache: name, tier: 'redis', outcome: 'miss' }),
      redisStale: cacheLookups.child({ cache: name, tier: 'redis', outcome: 'stale' }),
    }
    this.#loads = {
      ok: cacheOriginLoads.labels(name, 'ok'),
      error: cacheOriginLoads.labels(name, 'error'),
    }
  }

  get #channel() {
    return `cache:${this.options.name}:versions`
  }

  #versionKey(namespace: string) {
    return `${this.options.name}:${namespace}:version`
  }

  #key(namespace: string, version: number, key: string) {
    return `${this.options.name}:${namespace}:v${version}:${key}`
  }

  /**
   * Subscribes to version bumps from other processes (idempotent). Resolves once Redis confirms the
   * subscription, or once it has failed: a failed SUBSCRIBE (Redis away at boot; also seen on a loaded
   * machine while the subscriber connection was being set up) is tried again every second, since a
   * process that missed it would serve a merchant's old state, suspension included, for a whole memory
   * TTL after every change.
   */
  listen(): Promise<void> {
    this.#listening ??= new Promise<void>((resolve) => {
      this.redis.subscribe(this.#channel, (message: string) => this.#onBump(message), {
        onSubscription: () => resolve(),
        onError: (error) => {
          this.#listening = undefined
          logger.warn(
            { err: error, cache: this.options.name },
            'cache invalidation subscription failed; trying again in 1 s'
          )
          setTimeout(() => void this.listen(), 1000).unref()
          resolve()
        },
      })
    })
    return this.#listening
  }

  /** A message this process cannot read is dropped, never thrown (it would end the process). */
  #onBump(message: string) {
    try {
      const { namespace, version } = JSON.parse(message) as { namespace: unknown; version: unknown }
      if (typeof namespace === 'string' && Number.isSafeInteger(version))
        this.#setVersion(namespace, version as number)
    } catch {}
  }

  /** Makes every key of the namespaces obsolete, here at once and in other processes via pub/sub. */
  async bump(...namespaces: string[]) {
    for (const namespace of namespaces) {
      const version = await this.redis.incr(this.#versionKey(namespace))
      this.#setVersion(namespace, version)
      await this.redis.publish(this.#channel, JSON.stringify({ namespace, version }))
    }
  }

  #setVersion(namespace: string, version: number) {
    const known = this.#versions.get(namespace)
    // Never go back: a late pub/sub message must not resurrect an older version.
    if (known && known.version > version) return
    this.#rememberVersion(namespace, version)
  }

  /** Namespaces come from requests (slugs): the map is bounded like the memory tier. */
  #rememberVersion(namespace: string, version: number) {
    this.#versions.delete(namespace)
    if (this.#versions.size >= this.options.memoryMax)
      this.#versions.delete(this.#versions.keys().next().value!)
    this.#versions.set(namespace, { version, until: this.now() + this.options.memoryTtlMs })
  }

  async #version(namespace: string): Promise<number> {
    const known = this.#versions.get(namespace)
    if (known && known.until > this.now()) return known.version
    try {
      const version = Math.max(
        Number((await this.redis.get(this.#versionKey(namespace))) ?? 0),
        known?.version ?? 0
      )
      this.#rememberVersion(namespace, version)
      return version
    } catch {
      return known?.version ?? 0
    }
  }

  /**
   * The fresh memory copy, without any I/O (the hot path of early middleware), or undefined.
   * Does not count as a lookup: the caller falls back to get() when this returns nothing.
   */
  peek<T>(namespace: string, key: string): T | undefined {
    const known = this.#versions.get(namespace)
    const now = this.now()
    if (!known || known.until <= now) return undefined
    const entry = this.#memory.get(this.#key(namespace, known.version, key))
    if (!entry || entry.memoryUntil <= now || entry.freshUntil <= now) return undefined
    this.#lookups.memoryHit.inc()
    return entry.value as T
  }

  async get<T>(namespace: string, key: string, loader: Loader<T>): Promise<CacheRead<T>> {
    const fullKey = this.#key(namespace, await this.#version(namespace), key)
    const entry = this.#memory.get(fullKey) as MemoryEntry<T> | undefined
    const now = this.now()
    if (entry && entry.memoryUntil > now && entry.freshUntil > now) {
      this.#lookups.memoryHit.inc()
      return { value: entry.value, outcome: 'HIT-MEMORY' }
    }
    this.#lookups.memoryMiss.inc()
    let pending = this.#inflight.get(fullKey) as Promise<CacheRead<T>> | undefined
    if (!pending) {
      pending = this.#resolve(fullKey, loader).finally(() => this.#inflight.delete(fullKey))
      this.#inflight.set(fullKey, pending)
    }
    return pending
  }

  /** Resolves when the background refreshes started so far have finished (tests, shutdown). */
  async settled() {
    while (this.#refreshing.size) await Promise.allSettled([...this.#refreshing.values()])
  }

  clearMemory() {
    this.#memory.clear()
    this.#versions.clear()
  }

  async #resolve<T>(fullKey: string, loader: Loader<T>): Promise<CacheRead<T>> {
    const stored = (await this.#readRedis<T>(fullKey)) ?? this.#memoryCopy<T>(fullKey)
    const now = this.now()
    if (stored && stored.f > now) {
      this.#lookups.redisHit.inc()
      this.#remember(fullKey, stored)
      return { value: stored.v, outcome: 'HIT-REDIS' }
    }
    if (stored && now < stored.f + this.options.staleWhileRevalidateSeconds * 1000) {
      this.#lookups.redisStale.inc()
      this.#remember(fullKey, stored)
      this.#refreshInBackground(fullKey, loader)
      return { value: stored.v, outcome: 'STALE' }
    }
    this.#lookups.redisMiss.inc()
    try {
      return await this.#loadOnce(fullKey, loader)
    } catch (error) {
      if (stored && now < stored.f + this.options.staleIfErrorSeconds * 1000) {
        return { value: stored.v, outcome: 'STALE' }
      }
      throw error
    }
  }

  /**
   * Loads under the cross-process lock. A process that does not get the lock waits for the holder's
   * result in Redis; if the holder dies, the lock expires and a waiter takes over.
   */
  async #loadOnce<T>(fullKey: string, loader: Loader<T>): Promise<CacheRead<T>> {
    const lockTtl = this.options.lockTtlMs ?? 5000
    const deadline = this.now() + lockTtl * 2
    while (true) {
      const release = await this.#lock
        .tryAcquire(`${fullKey}:lock`, lockTtl)
        .catch(() => async () => {})
      if (release) {
        try {
          return { value: await this.#loadAndStore(fullKey, loader), outcome: 'MISS' }
        } finally {
          await release()
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 20))
      const stored = await this.#readRedis<T>(fullKey)
      if (stored && stored.f > this.now()) {
        this.#remember(fullKey, stored)
        return { value: stored.v, outcome: 'HIT-REDIS' }
      }
      if (this.now() > deadline)
        return { value: await this.#loadAndStore(fullKey, loader), outcome: 'MISS' }
    }
  }

  async #loadAndStore<T>(fullKey: string, loader: Loader<T>): Promise<T> {
    let value: T
    try {
      value = await loader()
      this.#loads.ok.inc()
    } catch (error) {
      this.#loads.error.inc()
      throw error
    }
    if (value === null || value === undefined) return value
    const envelope: Envelope<T> = { f: this.now() + this.options.ttlSeconds * 1000, v: value }
    const keepSeconds =
      this.options.ttlSeconds +
      Math.max(this.options.staleWhileRevalidateSeconds, this.options.staleIfErrorSeconds)
    await this.redis.set(fullKey, JSON.stringify(envelope), 'EX', keepSeconds).catch(() => {})
    this.#remember(fullKey, envelope)
    return value
  }

  #refreshInBackground<T>(fullKey: string, loader: Loader<T>) {
    if (this.#refreshing.has(fullKey) || (this.#retryAfter.get(fullKey) ?? 0) > this.now()) return
    const refresh = (async () => {
      const release = await this.#lock
        .tryAcquire(`${fullKey}:lock`, this.options.lockTtlMs ?? 5000)
        .catch(() => null)
      if (!release) return // another process is refreshing it
      try {
        await this.#loadAndStore(fullKey, loader)
        this.#retryAfter.delete(fullKey)
      } catch {
        // The origin is failing: keep serving the stale copy and do not hammer it on every request.
        this.#retryAfter.set(fullKey, this.now() + 5000)
      } finally {
        await release()
      }
    })().finally(() => this.#refreshing.delete(fullKey))
    this.#refreshing.set(fullKey, refresh)
  }

  async #readRedis<T>(fullKey: string): Promise<Envelope<T> | null> {
    try {
      const raw = await this.redis.get(fullKey)
      return raw === null ? null : (JSON.parse(raw) as Envelope<T>)
    } catch {
      return null
    }
  }

  /** A memory copy past its memory TTL still serves as a stale fallback when Redis has none. */
  #memoryCopy<T>(fullKey: string): Envelope<T> | null {
    const entry = this.#memory.get(fullKey) as MemoryEntry<T> | undefined
    if (!entry || entry.storedUntil <= this.now()) return null
    return { f: entry.freshUntil, v: entry.value }
  }

  #remember<T>(fullKey: string, envelope: Envelope<T>) {
    const existing = this.#memory.get(fullKey)
    const now = this.now()
    // Keep the same value object when nothing changed, so per-value derived data (renders) survives.
    const value = existing && existing.freshUntil === envelope.f ? existing.value : envelope.v
    this.#memory.delete(fullKey)
    if (this.#memory.size >= this.options.memoryMax)
      this.#memory.delete(this.#memory.keys().next().value!)
    const keep =
      Math.max(this.options.staleWhileRevalidateSeconds, this.options.staleIfErrorSeconds) * 1000
    this.#memory.set(fullKey, {
      value,
      freshUntil: envelope.f,
      memoryUntil: now + this.options.memoryTtlMs,
      storedUntil: envelope.f + keep,
    })
  }
}
