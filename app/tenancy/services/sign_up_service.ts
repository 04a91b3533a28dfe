import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import User from '#tenancy/models/user'
import { onboarding } from '#tenancy/services/onboarding_service'
import { accountMail } from '#tenancy/services/account_mail'
import { accountTokens } from '#tenancy/services/account_tokens'
import { assertAcceptablePassword } from '#tenancy/services/password_policy'
import { authService } from '#tenancy/services/auth_service'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { loginAccountKey } from '#tenancy/services/login_lockout'
import { EmailAlreadyVerifiedException, EmailTakenException } from '#tenancy/exceptions'
import { UnauthorizedException } from '#core/exceptions/http_errors'
import type { Vertical } from '#tenancy/types'
import '#tenancy/events'

export type SignUpInput = {
  email: string
  password: string
  fullName: string
  merchant: { name: string; slug: string; vertical: Vertical; timezone: string }
}

/** The verification link is where the backoffice's Verify page reads it (/admin/verify#token=...). */
const VERIFY_PATH = '/admin/verify'

/** A verification link works for a day. */
const VERIFY_EMAIL_TTL = '24 hours'

/** At most one "someone tried to sign up with your address" notice per address in this window. */
const ATTEMPT_NOTICE_WINDOW = '1 hour'

/**
 * Self sign-up: a new account owning a new merchant (tier digital_menu), unpublished until the owner
 * follows the verification link. The owner is signed in at once (the answer has the login's shape).
 * An email that has an account is refused with 409 E_EMAIL_TAKEN (docs/decisions/accounts-signup.md
 * says why an answer that hid it would only pretend to), and its owner gets a notice.
 */
export class SignUpService {
  async signUp(input: SignUpInput) {
    assertAcceptablePassword(input.password, [
      input.email,
      input.fullName,
      input.merchant.name,
      input.merchant.slug,
    ])
    let merchant
    try {
      merchant = await onboarding.onboard({
        slug: input.merchant.slug,
        name: input.merchant.name,
        vertical: input.merchant.vertical,
        tier: 'digital_menu',
        timezone: input.merchant.timezone,
        published: false,
        owner: {
          email: input.email,
          password: input.password,
          fullName: input.fullName,
          mustBeNew: true,
        },
        withinTransaction: async (trx, created) => {
          await this.#sendVerification(trx, {
            userId: created.ownerUserId!,
            email: input.email,
            merchantName: input.merchant.name,
          })
        },
      })
    } catch (error) {
      if (error instanceof EmailTakenException) await this.#noticeAttempt(input.email)
      throw error
    }

    const user = await User.findByEmail(input.email)
    if (!user) throw new Error('the account created by the sign-up is gone')
    await emitter.emit('account.signed_up', {
      userId: user.id,
      merchantId: merchant.id,
      slug: merchant.slug,
    })
    const session = await authService.signIn(user, merchant.slug, [], { alert: false })
    return {
      ...session,
      verification: { sent_to: user.email, published: false },
    }
  }

  /** Verifies the address a link was sent to; the merchants it owns go live. */
  async verifyEmail(token: string) {
    const { userId, published } = await db.connection('control').transaction(async (trx) => {
      const spent = { userId: await accountTokens.spend('verify_email', token, trx) }
      await trx
        .from('users')
        .where('id', spent.userId)
        .whereNull('email_verified_at')
        .update({ email_verified_at: trx.knexRawQuery('now()') })
      const rows: Array<{ id: string; slug: string }> = await trx
        .from('merchants')
        .whereNull('published_at')
        .whereIn(
          'id',
          trx
            .from('memberships')
            .where({ user_id: spent.userId, role: 'owner' })
            .select('merchant_id')
        )
        .update({ published_at: trx.knexRawQuery('now()'), updated_at: trx.knexRawQuery('now()') })
        .returning(['id', 'slug'])
      return { userId: spent.userId, published: rows }
    })
    // Every process drops its copy of the snapshot, so the public pages answer at once.
    for (const merchant of published) await merchantDirectory.invalidate(merchant)
    await emitter.emit('account.email_verified', {
      userId,
      publishedMerchantIds: published.map((m) => m.id),
    })
    return { email_verified: true, published_merchants: published.map((m) => m.slug) }
  }

  /** A new link for the signed-in account (the earlier ones stop working). */
  async resendVerification(userId: string) {
    const user = await User.find(userId)
    if (!user) throw new UnauthorizedException()
    if (user.emailVerifiedAt) throw new EmailAlreadyVerifiedException()
    const owned = await db
      .connection('control')
      .from('memberships')
      .join('merchants', 'merchants.id', 'memberships.merchant_id')
      .where({ 'memberships.user_id': user.id, 'memberships.role': 'owner' })
      .select('merchants.name')
      .first()
    await db.connection('control').transaction((trx) =>
      this.#sendVerification(trx, {
        userId: user.id,
        email: user.email,
        merchantName: owned?.name ?? null,
      })
    )
    return { sent_to: user.email }
  }

  async #sendVerification(
    trx: TransactionClientContract,
    to: { userId: string; email: string; merchantName: string | null }
  ) {
    const token = await accountTokens.issue(trx, 'verify_email', to.userId, VERIFY_EMAIL_TTL)
    const link = accountMail.link(VERIFY_PATH, token)
    await accountMail.queue(trx, {
      kind: 'verify_email',
      to: to.email,
      userId: to.userId,
      subject: 'Verify your email address',
      text: [
        'Hello,',
        '',
        `Please confirm this address to finish signing up${to.merchantName ? ` ${to.merchantName}` : ''} on GUDBRO.`,
        'Your public menu goes live once it is confirmed. Open this link within 24 hours:',
        '',
        link,
        '',
        'If you did not sign up, ignore this mail: nothing is published without it.',
      ].join('\n'),
    })
  }

  /** Tells the owner of a taken address that someone tried to sign up with it (once an hour at most). */
  async #noticeAttempt(email: string) {
    await emitter.emit('account.sign_up_refused', {
      accountKey: loginAccountKey(email),
      reason: 'email_taken',
    })
    const user = await User.findByEmail(email)
    if (!user) return
    await db.connection('control').transaction(async (trx) => {
      // One notice per window, even when sign-ups race (the row lock orders them).
      await trx.from('users').where('id', user.id).forUpdate().select('id')
      const recent = await trx
        .from('account_mails')
        .where({ user_id: user.id, kind: 'sign_up_attempt' })
        .where('created_at', '>', trx.knexRawQuery(`now() - interval '${ATTEMPT_NOTICE_WINDOW}'`))
        .first()
      if (recent) return
      await accountMail.queue(trx, {
        kind: 'sign_up_attempt',
        to: user.email,
        userId: user.id,
        subject: 'Someone tried to sign up with your address',
        text: [
          'Hello,',
          '',
          'Someone just tried to create a GUDBRO account with this address, which has one already.',
          `If it was you, sign in at ${accountMail.baseUrl()}/admin (or reset your password there).`,
          'If it was not you, nothing changed: you can ignore this mail.',
        ].join('\n'),
      })
    })
  }
}

export const signUp = new SignUpService()
