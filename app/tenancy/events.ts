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
  }
}
