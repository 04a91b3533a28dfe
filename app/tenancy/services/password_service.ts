import hash from '@adonisjs/core/services/hash'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import limiter from '@adonisjs/limiter/services/main'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import User from '#tenancy/models/user'
import { passwordResetRequests } from '#config/rate_limits'
import { keyedDigest } from '#core/privacy/keyed_digest'
import { normaliseEmail } from '#core/privacy/contact'
import { rateLimitRejectionsTotal } from '#core/observability/metrics'
import { accessRevocations } from '#core/revocation/access_revocations'
import { accountMail } from '#tenancy/services/account_mail'
import { accountTokens } from '#tenancy/services/account_tokens'
import { loginLockoutService } from '#tenancy/services/login_lockout'
import { assertAcceptablePassword } from '#tenancy/services/password_policy'
import { WrongCurrentPasswordException } from '#tenancy/exceptions'
import '#tenancy/events'

/** Page of the backoffice that reads the token from the link's fragment (never sent to a server log). */
const RESET_PAGE = '/admin/reset-password'
/** How long a reset link works (ASVS 2.5.x: short-lived). */
const PASSWORD_RESET_TTL = '30 minutes'

/**
 * Forgotten and changed passwords (ASVS v4 2.5): a reset link by mail that works once and for 30
 * minutes, the same answer whether or not the address has an account; setting a password signs the
 * account out everywhere (a change keeps the session that made it).
 */
class PasswordService {
  #perAccount = limiter.use(passwordResetRequests.perAccount)

  /**
   * Asks for a reset link. Resolves the same way, after the same work, whether or not the address has
   * an account and whether or not its per-account limit is spent: the per-account limit is consulted
   * for every address, and the account lookup, token and mail happen after the answer, so neither the
   * answer nor its timing says whether the account exists.
   */
  async requestReset(email: string): Promise<void> {
    const account = keyedDigest(normaliseEmail(email))
    const allowed = await this.#perAccount.consume(`password_forgot:${account}`).then(
      () => true,
      (error: { code?: string }) => {
        if (error?.code !== 'E_TOO_MANY_REQUESTS') throw error
        rateLimitRejectionsTotal.inc({ limiter: 'password_forgot_account' })
        return false
      }
    )
    if (!allowed) return
    void this.#mailResetLink(email).catch((error) =>
      logger.error({ err: error }, 'password reset link not issued')
    )
  }

  async #mailResetLink(email: string) {
    const user = await User.findByEmail(email)
    if (!user) return
    await db.connection('control').transaction(async (trx) => {
      const token = await accountTokens.issue(trx, 'password_reset', user.id, PASSWORD_RESET_TTL)
      await accountMail.queue(trx, {
        kind: 'password_reset',
        to: user.email,
        userId: user.id,
        subject: 'Reset your GUDBRO password',
        text: [
          'Someone (hopefully you) asked to reset the password of your GUDBRO account.',
          '',
          `Choose a new password here within 30 minutes: ${accountMail.link(RESET_PAGE, token)}`,
          '',
          'If you did not ask for this, ignore this mail: your password stays as it is.',
        ].join('\n'),
      })
    })
    await emitter.emit('auth.password_reset_requested', { userId: user.id })
  }

  /**
   * Sets the password from a reset link: the token is used up, the password checked against the
   * policy, every access token of the account (all merchants) deleted and revoked in every process, any
   * sign-in lockout lifted, and a notice mailed. A refused password leaves the token usable.
   */
  async reset(token: string, password: string): Promise<void> {
    const { user, revoked } = await db.connection('control').transaction(async (trx) => {
      const userId = await accountTokens.spend('password_reset', token, trx)
      const found = await User.query({ client: trx }).where('id', userId).forUpdate().firstOrFail()
      assertAcceptablePassword(password, await this.#personalWords(found, trx))
      await this.#setPassword(trx, found, password)
      // A reset proves the mailbox; an account that never proved it may have been made by someone else
      // with this address, who must not keep the owner out with a second factor of their own.
      if (!found.emailVerifiedAt) {
        await trx.from('user_recovery_codes').where('user_id', found.id).delete()
        await trx.from('user_second_factors').where('user_id', found.id).delete()
      }
      const deleted = await trx.rawQuery(
        'DELETE FROM auth_access_tokens WHERE tokenable_id = ? RETURNING id',
        [userId]
      )
      // Other reset links mailed before this one stop working too.
      await trx.rawQuery(
        `UPDATE account_tokens SET used_at = now()
          WHERE user_id = ? AND kind = 'password_reset' AND used_at IS NULL`,
        [userId]
      )
      await this.#mailChanged(trx, found, 'reset')
      return { user: found, revoked: deleted.rows.length as number }
    })
    await accessRevocations.publish({ reason: 'password_changed', userId: user.id })
    await loginLockoutService.clear(user.email)
    await emitter.emit('auth.password_changed', {
      userId: user.id,
      via: 'reset',
      revokedTokens: revoked,
    })
  }

  /**
   * A signed-in account proves it is its holder (changing the password, setting up a second factor):
   * a wrong password counts towards the sign-in lockout like a failed login.
   */
  async assertCurrentPassword(user: User, current: string, field = 'current_password') {
    await loginLockoutService.guard(user.email, async () => {
      if (!user.password || !(await hash.verify(user.password, current)))
        throw new WrongCurrentPasswordException({ field })
    })
  }

  /**
   * Changes the password of a signed-in account, given the current one. A wrong current password
   * counts towards the account's sign-in lockout. Every other access token of the account is deleted and
   * revoked in every process; the one that made the change stays.
   */
  async change(userId: string, currentTokenId: string, current: string, password: string) {
    const user = await User.find(userId)
    if (!user) throw new WrongCurrentPasswordException({ field: 'current_password' })
    await this.assertCurrentPassword(user, current)
    const revoked = await db.connection('control').transaction(async (trx) => {
      assertAcceptablePassword(password, await this.#personalWords(user, trx))
      await this.#setPassword(trx, user, password)
      const deleted = await trx.rawQuery(
        'DELETE FROM auth_access_tokens WHERE tokenable_id = ? AND id <> ?::bigint RETURNING id',
        [userId, currentTokenId]
      )
      await this.#mailChanged(trx, user, 'change')
      return deleted.rows.map((row: { id: string | number }) => String(row.id))
    })
    for (const tokenId of revoked)
      await accessRevocations.publish({ reason: 'password_changed', tokenId, userId })
    await emitter.emit('auth.password_changed', {
      userId,
      via: 'change',
      revokedTokens: revoked.length,
    })
  }

  async #setPassword(trx: TransactionClientContract, user: User, password: string) {
    user.useTransaction(trx)
    // The model's auth mixin hashes it on save.
    user.password = password
    await user.save()
    // A sign-in half done with the old password (waiting for its second-factor code) ends with it.
    await trx.from('second_factor_challenges').where('user_id', user.id).delete()
  }

  /** What a password must not be made of: the account's email, name and its merchants' names. */
  async #personalWords(user: User, trx: TransactionClientContract) {
    const merchants = await trx
      .from('memberships')
      .join('merchants', 'merchants.id', 'memberships.merchant_id')
      .where('memberships.user_id', user.id)
      .select('merchants.name', 'merchants.slug')
    return [
      user.email,
      user.fullName ?? '',
      ...merchants.flatMap((m: { name: string; slug: string }) => [m.name, m.slug]),
    ]
  }

  async #mailChanged(trx: TransactionClientContract, user: User, via: 'reset' | 'change') {
    await accountMail.queue(trx, {
      kind: 'password_changed',
      to: user.email,
      userId: user.id,
      subject: 'Your GUDBRO password was changed',
      text: [
        via === 'reset'
          ? 'The password of your GUDBRO account was reset from a link mailed to you, and every device was signed out.'
          : 'The password of your GUDBRO account was changed, and your other devices were signed out.',
        '',
        `If this was not you, reset your password now: ${accountMail.baseUrl()}/admin/forgot-password`,
      ].join('\n'),
    })
  }
}

export const passwordService = new PasswordService()
