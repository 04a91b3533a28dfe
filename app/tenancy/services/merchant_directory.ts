import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import { SwrCache } from '#core/cache/swr_cache'
import { isUuid } from '#core/database/uuid'
import Merchant from '#tenancy/models/merchant'
import ModuleOverride from '#tenancy/models/module_override'
import { moduleRegistry } from '#tenancy/services/module_registry_service'
import type { MerchantSnapshot } from '#tenancy/types'
import type { TenancyConfig } from '#tenancy/define_tenancy_config'

/**
 * The cache's namespaces (one per merchant, one per slug) and keys: in Redis the snapshot is
 * `merchant:<id>:v<N>:config` (versioned, so a bump orphans every old entry) and the slug's id
 * `merchant:slug:<slug>:v<N>:id`.
 */
export const MerchantCacheKeys = {
  config: (id: string) => [id, 'config'] as const,
  slug: (slug: string) => [`slug:${slug}`, 'id'] as const,
}

/**
 * Looks merchants up by id or slug through the cache (Redis 1 h, memory tier 10 s, invalidated
 * everywhere on change). No stale copies: a merchant's state (suspension, modules) must be current.
 */
export class MerchantDirectory {
  readonly cache = new SwrCache(redis.connection('main'), {
    name: 'merchant',
    ttlSeconds: app.config.get<TenancyConfig>('tenancy').merchantCacheTtlSeconds,
    staleWhileRevalidateSeconds: 0,
    staleIfErrorSeconds: 0,
    memoryTtlMs: 10_000,
    memoryMax: 5000,
  })

  listen() {
    return this.cache.listen()
  }

  async byId(id: string): Promise<MerchantSnapshot | null> {
    if (!isUuid(id)) return null
    const entry = await this.cache.get(...MerchantCacheKeys.config(id.toLowerCase()), () =>
      this.load(id)
    )
    return entry.value
  }

  async bySlug(slug: string): Promise<MerchantSnapshot | null> {
    const normalized = slug.toLowerCase()
    if (!/^[a-z0-9-]{1,63}$/.test(normalized)) return null
    const { value: id } = await this.cache.get(...MerchantCacheKeys.slug(normalized), async () => {
      const row = await Merchant.query().where('slug', normalized).select('id').first()
      return row?.id ?? null
    })
    return id ? this.byId(id) : null
  }

  /** bySlug from this process's memory tier only, synchronously; undefined when not in memory. */
  peekBySlug(slug: string): MerchantSnapshot | undefined {
    const id = this.cache.peek<string>(...MerchantCacheKeys.slug(slug.toLowerCase()))
    return id ? this.cache.peek<MerchantSnapshot>(...MerchantCacheKeys.config(id)) : undefined
  }

  /** byId from this process's memory tier only, synchronously; undefined when not in memory. */
  peekById(id: string): MerchantSnapshot | undefined {
    return this.cache.peek<MerchantSnapshot>(...MerchantCacheKeys.config(id.toLowerCase()))
  }

  /** byReference from this process's memory tier only, synchronously; undefined when not in memory. */
  peekByReference(reference: string): MerchantSnapshot | undefined {
    return isUuid(reference) ? this.peekById(reference) : this.peekBySlug(reference)
  }

  /** A merchant reference as operators type it: an id or a slug. */
  async byReference(reference: string): Promise<MerchantSnapshot | null> {
    return isUuid(reference) ? this.byId(reference) : this.bySlug(reference)
  }

  /** Every active merchant's node and time zone (platform jobs that follow each merchant's local clock). */
  async activeMerchantClocks(): Promise<Array<{ id: string; shardId: number; timezone: string }>> {
    const rows = await Merchant.query()
      .where('status', 'active')
      .select('id', 'shard_id', 'timezone')
      .orderBy('id')
    return rows.map((row) => ({ id: row.id, shardId: row.shardId, timezone: row.timezone }))
  }

  /** Reads the merchant and its overrides from the control database. */
  async load(id: string): Promise<MerchantSnapshot | null> {
    const merchant = await Merchant.find(id)
    if (!merchant) return null
    const overrides = await ModuleOverride.query().where('merchant_id', id)
    return {
      id: merchant.id,
      slug: merchant.slug,
      name: merchant.name,
      vertical: merchant.vertical,
      tier: merchant.tier,
      status: merchant.status,
      brandId: merchant.brandId,
      locationId: merchant.locationId,
      shardId: merchant.shardId,
      timezone: merchant.timezone,
      settings: merchant.settings ?? {},
      published: merchant.publishedAt !== null,
      modules: moduleRegistry().enabledModules(merchant.tier, overrides),
    }
  }

  /** Call after any change to a merchant, its tier or its overrides. */
  async invalidate(merchant: { id: string; slug: string }, previousSlug?: string) {
    const namespaces = [
      MerchantCacheKeys.config(merchant.id)[0],
      MerchantCacheKeys.slug(merchant.slug)[0],
    ]
    if (previousSlug && previousSlug !== merchant.slug)
      namespaces.push(MerchantCacheKeys.slug(previousSlug)[0])
    await this.cache.bump(...namespaces)
  }

  clearMemory() {
    this.cache.clearMemory()
  }
}
export const merchantDirectory = new MerchantDirectory()
