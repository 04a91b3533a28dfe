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

/** The events this file listens to. */
export default ['auth.account_locked', ...TEAM_EVENTS] as const
