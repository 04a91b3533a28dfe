import { AsyncLocalStorage } from 'node:async_hooks'
import type { Tier } from '#tenancy/types'
import { NoTenantContextException } from '#tenancy/exceptions'

/**
 * The tenant every request, job and socket handler runs for. Set once by the resolver (HTTP),
 * the job runner (queues) or the socket handshake, and read anywhere below with getTenant().
 */
export type TenantContext = {
  readonly merchantId: string
  readonly slug: string
  readonly tier: Tier
  readonly modules: ReadonlySet<string>
  /** Read again if the merchant moved to a dedicated shard meanwhile (ShardRouter.transaction). */
  shardId: number
  readonly brandId: string | null
  readonly locationId: string | null
  readonly timezone: string
  /** Connections written to in this unit of work: later reads go to their primary (read-your-writes). */
  readonly wroteTo: Set<string>
}

const storage = new AsyncLocalStorage<TenantContext>()

export function runWithTenant<T>(
  context: Omit<TenantContext, 'wroteTo'> & { wroteTo?: Set<string> },
  fn: () => T
): T {
  return storage.run({ ...context, wroteTo: context.wroteTo ?? new Set() }, fn)
}

export function getTenant(): TenantContext | undefined {
  return storage.getStore()
}

export function requireTenant(): TenantContext {
  const tenant = storage.getStore()
  if (!tenant) throw new NoTenantContextException()
  return tenant
}

/** One Set per snapshot's module list: the directory hands out the same snapshot until it changes. */
const moduleSets = new WeakMap<readonly string[], ReadonlySet<string>>()

function moduleSet(modules: readonly string[]): ReadonlySet<string> {
  let set = moduleSets.get(modules)
  if (!set) {
    set = new Set(modules)
    moduleSets.set(modules, set)
  }
  return set
}

/** The context of a merchant as the directory describes it. */
export function contextFromMerchant(merchant: {
  id: string
  slug: string
  tier: Tier
  modules: readonly string[]
  shardId: number
  brandId: string | null
  locationId: string | null
  timezone: string
}): TenantContext {
  return {
    merchantId: merchant.id,
    slug: merchant.slug,
    tier: merchant.tier,
    modules: moduleSet(merchant.modules),
    shardId: merchant.shardId,
    brandId: merchant.brandId,
    locationId: merchant.locationId,
    timezone: merchant.timezone,
    wroteTo: new Set(),
  }
}
