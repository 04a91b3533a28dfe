import { featureFlags } from '#tenancy/services/feature_flags'
import type { MerchantSnapshot } from '#tenancy/types'

type ModuleHolder = Pick<MerchantSnapshot, 'id' | 'tier' | 'modules'>

/** `available`, or why not: off for this merchant (tier, overrides) or switched off by statsig. */
export type ModuleAvailability = 'available' | 'not_enabled' | 'killed'

/** Answers a module's kill switch (`kill_module_<name>`) for a merchant. */
export type KillSwitchReader = (
  module: string,
  merchant: Pick<MerchantSnapshot, 'id' | 'tier'>
) => boolean

const readKillSwitch: KillSwitchReader = (module, merchant) =>
  featureFlags.moduleKilled(module, { merchantId: merchant.id, tier: merchant.tier })

/**
 * Whether a merchant has a module right now: enabled for it (tier defaults and per-merchant
 * overrides, folded into the snapshot's `modules`) and not killed by its statsig switch. The one
 * check behind the module gate (HTTP), socket admission and the public menu's early answer. No I/O:
 * the snapshot and statsig's in-memory evaluation; a caller on a hot path may pass a cached reader.
 */
export function moduleAvailability(
  module: string,
  merchant: ModuleHolder,
  killSwitch: KillSwitchReader = readKillSwitch
): ModuleAvailability {
  if (!merchant.modules.includes(module)) return 'not_enabled'
  return killSwitch(module, merchant) ? 'killed' : 'available'
}
