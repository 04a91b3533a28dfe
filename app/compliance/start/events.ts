import emitter from '@adonisjs/core/services/emitter'
import { recordAudit } from '#compliance/services/audit_recorder'
import { TEAM_EVENTS } from '#tenancy/index'

/**
 * Sign-in lockouts go to the platform's audit trail (no merchant: an email is not tied to one, and
 * the entry must not tell whether an account exists). The actor row carries the request's address.
 */
emitter.on('auth.account_locked', async (event) => {
  await recordAudit({
    action: 'auth.account_locked',
    resourceType: 'login_account',
    resourceId: event.accountKey,
    details: { lockout_number: event.lockoutNumber, lockout_seconds: event.seconds },
    reason: 'too many failed sign-ins',
  })
})

/** Team management (invitations, roles, removals, ownership) goes to the merchant's audit trail. */
for (const name of TEAM_EVENTS) {
  emitter.on(name, async (event) => {
    await recordAudit({
      action: name,
      resourceType: name.startsWith('team.invitation') ? 'team_invitation' : 'membership',
      resourceId: event.subjectId,
      merchantId: event.merchantId,
      details: { actor_id: event.actorId, ...event.details },
      reason: 'team management',
    })
  })
}

/**
 * Second-factor enrolment, changes, refused codes, recovery codes used and lockouts, on the account
 * (never the secret or a code). The request's actor and address come with the entry.
 */
emitter.on('auth.second_factor', async (event) => {
  await recordAudit({
    action: `auth.second_factor.${event.action}`,
    resourceType: 'user',
    resourceId: event.userId,
    details: {
      ...(event.method ? { method: event.method } : {}),
      ...(event.detail ? { detail: event.detail } : {}),
    },
    reason: 'second factor',
  })
})

/** Password resets and changes, and sessions revoked by their holder: the account's own audit trail. */
emitter.on('auth.password_reset_requested', async (event) => {
  await recordAudit({
    action: 'auth.password_reset_requested',
    resourceType: 'user',
    resourceId: event.userId,
    reason: 'password reset link mailed',
  })
})

emitter.on('auth.password_changed', async (event) => {
  await recordAudit({
    action: event.via === 'reset' ? 'auth.password_reset' : 'auth.password_changed',
    resourceType: 'user',
    resourceId: event.userId,
    details: { revoked_tokens: event.revokedTokens },
    reason:
      event.via === 'reset'
        ? 'password set from a reset link; every session signed out'
        : 'password changed with the current one; other sessions signed out',
  })
})

emitter.on('auth.sessions_revoked', async (event) => {
  await recordAudit({
    action: 'auth.session_revoked',
    resourceType: 'user',
    resourceId: event.userId,
    details: { token_ids: event.tokenIds, scope: event.scope },
    reason: event.scope === 'one' ? 'session revoked by its holder' : 'other sessions revoked',
  })
})

/** Self sign-ups: the new account and merchant; the request's address is on the actor row. */
emitter.on('account.signed_up', async (event) => {
  await recordAudit({
    action: 'account.signed_up',
    resourceType: 'user',
    resourceId: event.userId,
    merchantId: event.merchantId,
    details: { merchant_id: event.merchantId, slug: event.slug },
    reason: 'self sign-up',
  })
})

/** A sign-up refused because the email has an account: keyed by a digest, like lockouts. */
emitter.on('account.sign_up_refused', async (event) => {
  await recordAudit({
    action: 'account.sign_up_refused',
    resourceType: 'login_account',
    resourceId: event.accountKey,
    details: { reason: event.reason },
    reason: 'sign-up with an email that has an account',
  })
})

emitter.on('account.email_verified', async (event) => {
  await recordAudit({
    action: 'account.email_verified',
    resourceType: 'user',
    resourceId: event.userId,
    details: { published_merchant_ids: event.publishedMerchantIds },
    reason: 'verification link followed',
  })
})

/** The events this file listens to. */
export default [
  'auth.account_locked',
  'auth.second_factor',
  'auth.password_reset_requested',
  'auth.password_changed',
  'auth.sessions_revoked',
  ...TEAM_EVENTS,
  'account.signed_up',
  'account.sign_up_refused',
  'account.email_verified',
] as const
