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

/** Second-factor changes and uses of one account (audited; never the secret or a code). */
export type SecondFactorEvent = {
  userId: string
  action:
    | 'enrolment_started'
    | 'enabled'
    | 'disabled'
    | 'code_failed'
    | 'recovery_code_used'
    | 'recovery_codes_regenerated'
    | 'locked'
  /** What the account did it with: `totp` or `recovery_code`, when a code was presented. */
  method?: 'totp' | 'recovery_code'
  /** Why a code was refused, or how many recovery codes are left. */
  detail?: string
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'merchant.onboarded': MerchantOnboarded
    'auth.account_locked': AccountLocked
    'auth.second_factor': SecondFactorEvent
  }
}
