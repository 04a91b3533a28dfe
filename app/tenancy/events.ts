import type { Tier, Vertical } from '#tenancy/types'

/** Domain events of the tenancy module. */
export type MerchantOnboarded = {
  merchantId: string
  slug: string
  tier: Tier
  vertical: Vertical
  shardId: number
  ownerUserId: string | null
}

/** An account (known or not: keyed by a digest of its email) was locked out after failed sign-ins. */
export type AccountLocked = {
  accountKey: string
  /** 1 for the first lockout within a day, 2 for the next... */
  lockoutNumber: number
  seconds: number
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'merchant.onboarded': MerchantOnboarded
    'auth.account_locked': AccountLocked
  }
}
