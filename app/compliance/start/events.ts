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
  'account.signed_up',
  'account.sign_up_refused',
  'account.email_verified',
] as const
