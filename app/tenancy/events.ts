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

/**
 * A password reset was asked for an account that exists and a mail queued (requests for unknown
 * addresses, and those over the per-account limit, leave no trace: the answer is the same either way).
 */
export type PasswordResetRequested = { userId: string }
/** An account's password was set: by a reset link, or changed with the current one. */
export type PasswordChanged = { userId: string; via: 'reset' | 'change'; revokedTokens: number }
/** Sessions (access tokens) the account's holder revoked themselves. */
export type SessionsRevoked = { userId: string; tokenIds: string[]; scope: 'one' | 'others' }

declare module '@adonisjs/core/types' {
  interface EventsList {
    'merchant.onboarded': MerchantOnboarded
    'auth.account_locked': AccountLocked
    'auth.password_reset_requested': PasswordResetRequested
    'auth.password_changed': PasswordChanged
    'auth.sessions_revoked': SessionsRevoked
  }
}
