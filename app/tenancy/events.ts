import type { Tier, Vertical } from '#tenancy/types'

/** Domain events of the tenancy module (seed 4.1 event types). */
export type MerchantOnboarded = {
  merchantId: string
  slug: string
  tier: Tier
  vertical: Vertical
  shardId: number
  ownerUserId: string | null
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'merchant.onboarded': MerchantOnboarded
  }
}
