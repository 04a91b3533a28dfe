import { createHash } from 'node:crypto'
import redis from '@adonisjs/redis/services/main'
import { snakeKeys } from '#core/http/json_keys'
import { SwrCache, type CacheOutcome } from '#core/cache/swr_cache'
import { MenuCacheTTL } from '#menu/catalog'
import { loadMenu, type MenuCategoryView, type MenuItemView } from '#menu/services/menu_query'
import { isAvailable, localTime, type LocalTime } from '#menu/services/availability'
import type { MenuFilters } from '#menu/services/menu_filters'

export type RenderedMenu = { body: Buffer; etag: string }
export type MerchantRef = { id: string; timezone: string }

const MAX_RENDERS_PER_MENU = 64

/**
 * The public menu: the merchant's active catalog from the cache (one SQL query on a miss), then
 * availability windows (at request time, in the merchant's time zone) and the customer's filters.
 * The rendered bytes and their strong ETag are kept per cached menu, keyed by filters and by which
 * windows are open, so a hit costs no JSON serialisation and no hashing.
 */
export class PublicMenus {
  readonly cache = new SwrCache(redis.connection('main'), {
    name: 'menu',
    ttlSeconds: MenuCacheTTL.MENU,
    staleWhileRevalidateSeconds: 600,
    staleIfErrorSeconds: 24 * 3600,
    memoryTtlMs: 5000,
    memoryMax: 2000,
  })
  #renders = new WeakMap<MenuCategoryView[], Map<string, RenderedMenu>>()
  // Which categories are open, per menu, recomputed when the local minute changes.
  #openings = new WeakMap<MenuCategoryView[], { minute: string; open: string }>()
  #listening?: Promise<void>

  /** Reads through every tier (call inside the merchant's tenant context: a miss queries its shard). */
  async read(
    merchant: MerchantRef,
    filters: MenuFilters
  ): Promise<{ rendered: RenderedMenu; outcome: CacheOutcome }> {
    // Version bumps from other processes; retried on a later read if Redis is not reachable now.
    this.#listening ??= this.cache.listen().catch(() => {
      this.#listening = undefined
    })
    const { value, outcome } = await this.cache.get(merchant.id, 'public', () =>
      loadMenu(merchant.id)
    )
    return { rendered: this.#render(merchant, value, filters), outcome }
  }

  /** The rendered menu from this process's fresh memory copy, with no I/O; undefined otherwise. */
  peek(merchant: MerchantRef, filters: MenuFilters): RenderedMenu | undefined {
    const value = this.cache.peek<MenuCategoryView[]>(merchant.id, 'public')
    return value && this.#render(merchant, value, filters)
  }

  /** Every cached copy of the merchant's menu is obsolete from now on (all processes). */
  invalidate(merchantId: string) {
    return this.cache.bump(merchantId)
  }

  #render(
    merchant: MerchantRef,
    categories: MenuCategoryView[],
    filters: MenuFilters
  ): RenderedMenu {
    const now = localTime(merchant.timezone, this.cache.now())
    const minute = `${merchant.timezone}@${now.weekday}:${now.minutes}`
    let opening = this.#openings.get(categories)
    if (!opening || opening.minute !== minute) {
      opening = {
        minute,
        open: categories
          .map((category) => (isAvailable(category.availability, now) ? '1' : '0'))
          .join(''),
      }
      this.#openings.set(categories, opening)
    }
    const open = opening.open
    const key = `${filters.dietary.join(',')}|${filters.excludeAllergens.join(',')}|${open}`
    let renders = this.#renders.get(categories)
    if (!renders) this.#renders.set(categories, (renders = new Map()))
    let rendered = renders.get(key)
    if (!rendered) {
      // The wire serializer runs here, once per render: cache hits send these bytes as they are.
      const body = Buffer.from(
        JSON.stringify(
          snakeKeys({
            data: { merchantId: merchant.id, categories: applyFilters(categories, filters, now) },
          })
        )
      )
      rendered = {
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`,
      }
      if (renders.size >= MAX_RENDERS_PER_MENU) renders.delete(renders.keys().next().value!)
      renders.set(key, rendered)
    }
    return rendered
  }
}

function applyFilters(
  categories: MenuCategoryView[],
  filters: MenuFilters,
  now: LocalTime
): MenuCategoryView[] {
  const filtering = filters.dietary.length > 0 || filters.excludeAllergens.length > 0
  return categories
    .filter((category) => isAvailable(category.availability, now))
    .map((category) => ({
      ...category,
      items: category.items.flatMap((item) => {
        const kept = filterItem(item, filters)
        return kept ? [kept] : []
      }),
    }))
    .filter((category) => !filtering || category.items.length > 0)
}

/**
 * Keeps an item that carries every requested dietary flag and none of the excluded allergens.
 * Options with an excluded allergen are removed; if a group can then no longer be satisfied
 * (fewer options left than it requires), the item cannot be ordered safely and is left out.
 */
function filterItem(item: MenuItemView, filters: MenuFilters): MenuItemView | null {
  if (!filters.dietary.every((flag) => item.dietary_flags.includes(flag))) return null
  if (filters.excludeAllergens.length === 0) return item
  const excluded = (allergens: string[]) =>
    allergens.some((code) => filters.excludeAllergens.includes(code))
  if (excluded(item.allergens)) return null
  const groups = item.modifier_groups.map((group) => ({
    ...group,
    options: group.options.filter((o) => !excluded(o.allergens)),
  }))
  if (groups.some((group) => group.options.length < group.min_select)) return null
  return { ...item, modifier_groups: groups }
}

export const publicMenus = new PublicMenus()
