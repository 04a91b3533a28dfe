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

/** Team management (invitations, roles, removals, ownership), for the audit trail. */
export type TeamEvent = {
  merchantId: string
  /** Who did it (null: the platform). */
  actorId: string | null
  /** The invitation, or the member's user id. */
  subjectId: string
  details: Record<string, unknown>
}

export const TEAM_EVENTS = [
  'team.invitation_created',
  'team.invitation_revoked',
  'team.invitation_accepted',
  'team.member_role_changed',
  'team.member_removed',
  'team.ownership_transferred',
] as const
export type TeamEventName = (typeof TEAM_EVENTS)[number]

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
/**
 * A password reset was asked for an account that exists and a mail queued (requests for unknown
 * addresses, and those over the per-account limit, leave no trace: the answer is the same either way).
 */
export type PasswordResetRequested = { userId: string }
/** An account's password was set: by a reset link, or changed with the current one. */
export type PasswordChanged = { userId: string; via: 'reset' | 'change'; revokedTokens: number }
/** Sessions (access tokens) the account's holder revoked themselves. */
export type SessionsRevoked = { userId: string; tokenIds: string[]; scope: 'one' | 'others' }

/** Someone signed up: a new account owning a new, not yet published merchant. */
export type AccountSignedUp = { userId: string; merchantId: string; slug: string }

/** A sign-up named an email that has an account (keyed digest of the email: the log names no address). */
export type SignUpRefused = { accountKey: string; reason: 'email_taken' }

/** An account's address was verified; the merchants it owns that went live with it. */
export type EmailVerified = { userId: string; publishedMerchantIds: string[] }

declare module '@adonisjs/core/types' {
  interface EventsList {
    'team.invitation_created': TeamEvent
    'team.invitation_revoked': TeamEvent
    'team.invitation_accepted': TeamEvent
    'team.member_role_changed': TeamEvent
    'team.member_removed': TeamEvent
    'team.ownership_transferred': TeamEvent
    'merchant.onboarded': MerchantOnboarded
    'auth.account_locked': AccountLocked
    'auth.second_factor': SecondFactorEvent
    'auth.password_reset_requested': PasswordResetRequested
    'auth.password_changed': PasswordChanged
    'auth.sessions_revoked': SessionsRevoked
    'account.signed_up': AccountSignedUp
    'account.sign_up_refused': SignUpRefused
    'account.email_verified': EmailVerified
  }
}
