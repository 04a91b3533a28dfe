import emitter from '@adonisjs/core/services/emitter'
import { recordAudit } from '#compliance/services/audit_recorder'

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

/** The events this file listens to. */
export default [
  'auth.account_locked',
  'auth.password_reset_requested',
  'auth.password_changed',
  'auth.sessions_revoked',
] as const
