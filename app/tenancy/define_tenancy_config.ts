import { TIERS, type Tier } from '#tenancy/types'
import type { ModuleDefinition } from '#tenancy/modules/define_module'

export type TenancyConfig = {
  shardCount: number
  tiers: Record<Tier, readonly string[]>
  modules: Array<() => Promise<{ default: ModuleDefinition }>>
  merchantCacheTtlSeconds: number
}

/** Checks config/tenancy.ts eagerly and names what is missing or wrong. */
export function defineTenancyConfig(config: TenancyConfig): TenancyConfig {
  if (!Number.isInteger(config?.shardCount) || config.shardCount < 1) {
    throw new Error('config/tenancy.ts: "shardCount" must be a positive integer')
  }
  if (!config.tiers) throw new Error('config/tenancy.ts: missing "tiers"')
  for (const tier of TIERS) {
    if (!Array.isArray(config.tiers[tier]))
      throw new Error(`config/tenancy.ts: missing tier "${tier}" in "tiers"`)
  }
  for (const tier of Object.keys(config.tiers)) {
    if (!TIERS.includes(tier as Tier)) throw new Error(`config/tenancy.ts: unknown tier "${tier}"`)
  }
  if (!Array.isArray(config.modules)) throw new Error('config/tenancy.ts: missing "modules"')
  if (!Number.isInteger(config.merchantCacheTtlSeconds)) {
    throw new Error('config/tenancy.ts: "merchantCacheTtlSeconds" must be an integer')
  }
  return config
}
