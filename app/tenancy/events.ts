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

/** Someone signed up: a new account owning a new, not yet published merchant. */
export type AccountSignedUp = { userId: string; merchantId: string; slug: string }

/** A sign-up named an email that has an account (keyed digest of the email: the log names no address). */
export type SignUpRefused = { accountKey: string; reason: 'email_taken' }

/** An account's address was verified; the merchants it owns that went live with it. */
export type EmailVerified = { userId: string; publishedMerchantIds: string[] }

declare module '@adonisjs/core/types' {
  interface EventsList {
    'merchant.onboarded': MerchantOnboarded
    'auth.account_locked': AccountLocked
    'account.signed_up': AccountSignedUp
    'account.sign_up_refused': SignUpRefused
    'account.email_verified': EmailVerified
  }
}
