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

/** The events this file listens to. */
export default ['auth.account_locked', 'auth.second_factor', ...TEAM_EVENTS] as const
