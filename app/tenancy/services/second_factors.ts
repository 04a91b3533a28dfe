import { randomInt } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import encryption from '@adonisjs/core/services/encryption'
import logger from '@adonisjs/core/services/logger'
import limiter from '@adonisjs/limiter/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { Secret, TOTP } from 'otpauth'
import { rateLimitRejectionsTotal } from '#core/observability/metrics'
import User from '#tenancy/models/user'
import { accountMail } from '#tenancy/services/account_mail'
import type { SecondFactorEvent } from '#tenancy/events'
import {
  InvalidSecondFactorCodeException,
  SecondFactorAlreadyEnabledException,
  SecondFactorLockedException,
  SecondFactorMandatoryException,
  SecondFactorNotEnabledException,
  SecondFactorNotStartedException,
} from '#tenancy/second_factor_exceptions'
import '#tenancy/events'
import { hashAccountToken } from '#tenancy/services/account_tokens'

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
const TOTP_SETTINGS = { algorithm: 'SHA1', digits: 6, period: 30 } as const
const ISSUER = 'GUDBRO Verticals'
/** Codes one step either side of now are accepted (a phone's clock a little off). */
const WINDOW = 1
export const RECOVERY_CODE_COUNT = 10

/**
 * Wrong codes per account: the 5th within 15 minutes locks the second-factor step of that account for
 * 15 minutes, whichever client guesses (the route's per-client limit applies on top).
 */
export const secondFactorLockout = {
  requests: 5,
  duration: '15 minutes',
  blockDuration: '15 minutes',
} as const

/** A code or a recovery code, as presented. */
export type SecondFactorProof = { code?: string; recoveryCode?: string }

type FactorRow = {
  user_id: string
  secret: string
  confirmed_at: Date | null
  last_used_step: string
}

const control = () => db.connection('control')

/** The TOTP of a base32 secret, labelled with the account's email for the authenticator app. */
export function totpFor(secretBase32: string, email: string) {
  return new TOTP({
    ...TOTP_SETTINGS,
    issuer: ISSUER,
    label: email,
    secret: Secret.fromBase32(secretBase32),
  })
}

/** Recovery codes are compared without case, spaces or dashes (people copy them by hand). */
function normaliseRecoveryCode(code: string) {
  return code.toLowerCase().replace(/[\s-]/g, '')
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** `xxxxx-xxxxx` from a 31-letter alphabet without look-alikes: about 49 bits each. */
function newRecoveryCode() {
  let code = ''
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]
  return `${code.slice(0, 5)}-${code.slice(5)}`
}

/**
 * The second factor of an account: TOTP enrolment (a pending secret until a first code confirms it),
 * recovery codes (shown once, stored as digests, each single use), checking a code under the
 * per-account lockout, and disabling. Every change and every refused code is emitted as
 * `auth.second_factor` (audited by compliance); enabling and disabling mail the account.
 */
class SecondFactors {
  #failures?: ReturnType<typeof limiter.use>

  get #limiter() {
    return (this.#failures ??= limiter.use(secondFactorLockout))
  }

  async #row(userId: string, trx?: TransactionClientContract): Promise<FactorRow | null> {
    const query = (trx ?? control()).from('user_second_factors').where('user_id', userId)
    if (trx) query.forUpdate()
    return (await query.first()) ?? null
  }

  /** Whether the account has a confirmed factor (login asks for a code then). */
  async isEnabled(userId: string) {
    const row = await this.#row(userId)
    return Boolean(row?.confirmed_at)
  }

  async status(userId: string) {
    const row = await this.#row(userId)
    const left = row?.confirmed_at
      ? await control()
          .from('user_recovery_codes')
          .where('user_id', userId)
          .whereNull('used_at')
          .count('* as n')
          .first()
      : null
    return {
      enabled: Boolean(row?.confirmed_at),
      pending: Boolean(row && !row.confirmed_at),
      confirmed_at: row?.confirmed_at?.toISOString() ?? null,
      recovery_codes_left: left ? Number(left.n) : 0,
    }
  }

  /**
   * Starts (or restarts) enrolment: a new random secret, kept encrypted and inactive until confirm().
   * Refused while a confirmed factor exists (disable it first).
   */
  async start(user: User) {
    const secret = new Secret({ size: 20 }).base32
    const updated = await control().rawQuery(
      `INSERT INTO user_second_factors (user_id, secret) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, last_used_step = 0,
         created_at = now()
       WHERE user_second_factors.confirmed_at IS NULL
       RETURNING user_id`,
      [user.id, encryption.encrypt(secret)]
    )
    if (updated.rows.length === 0) throw new SecondFactorAlreadyEnabledException()
    await this.#emit({ userId: user.id, action: 'enrolment_started' })
    return { secret, otpauth_uri: totpFor(secret, user.email).toString() }
  }

  /** Activates the pending secret with a first code; returns the recovery codes (shown once). */
  async confirm(user: User, code: string) {
    const row = await this.#row(user.id)
    if (!row || row.confirmed_at) throw new SecondFactorNotStartedException()
    await this.verify(user, { code }, { pending: true })
    const codes = await control().transaction(async (trx) => {
      const locked = await this.#row(user.id, trx)
      // A new start() since the code was checked replaced the secret: that one was never proven.
      if (!locked || locked.confirmed_at || locked.secret !== row.secret)
        throw new SecondFactorNotStartedException()
      await trx
        .from('user_second_factors')
        .where('user_id', user.id)
        .update({ confirmed_at: new Date() })
      const recovery = await this.#replaceRecoveryCodes(trx, user.id)
      await this.#mail(trx, user, 'enabled')
      return recovery
    })
    await this.#emit({ userId: user.id, action: 'enabled' })
    return { recovery_codes: codes }
  }

  /**
   * Removes the factor after a code or a recovery code. Platform support must keep theirs: an
   * operator replaces it with `users:second-factor` when a phone is lost.
   */
  async disable(user: User, proof: SecondFactorProof) {
    if (user.platformRole === 'support') throw new SecondFactorMandatoryException()
    if (!(await this.isEnabled(user.id))) throw new SecondFactorNotEnabledException()
    await this.verify(user, proof)
    await control().transaction(async (trx) => {
      await trx.from('user_recovery_codes').where('user_id', user.id).delete()
      await trx.from('user_second_factors').where('user_id', user.id).delete()
      await this.#mail(trx, user, 'disabled')
    })
    await this.#emit({ userId: user.id, action: 'disabled' })
  }

  /** New recovery codes after a current code; the old ones stop working. */
  async regenerateRecoveryCodes(user: User, code: string) {
    if (!(await this.isEnabled(user.id))) throw new SecondFactorNotEnabledException()
    await this.verify(user, { code })
    const codes = await control().transaction((trx) => this.#replaceRecoveryCodes(trx, user.id))
    await this.#emit({ userId: user.id, action: 'recovery_codes_regenerated' })
    return { recovery_codes: codes }
  }

  /**
   * Checks a code (or a recovery code) of the account under its lockout: a wrong one counts, the
   * lockout refuses every attempt while it lasts, a right one clears the count. A TOTP code is
   * accepted once: its step must be later than the last step accepted.
   */
  async verify(user: User, proof: SecondFactorProof, options: { pending?: boolean } = {}) {
    const key = `second_factor_failures:${user.id}`
    const [throttled] = await this.#limiter
      .penalize(key, () => this.#check(user, proof, options.pending ?? false))
      .catch(async (error) => {
        if (error instanceof InvalidSecondFactorCodeException) {
          await this.#emit({
            userId: user.id,
            action: 'code_failed',
            method: proof.recoveryCode !== undefined ? 'recovery_code' : 'totp',
          })
          if ((await this.#limiter.remaining(key)) <= 0)
            await this.#emit({ userId: user.id, action: 'locked', detail: 'too many wrong codes' })
        }
        throw error
      })
    if (throttled) {
      rateLimitRejectionsTotal.inc({ limiter: 'second_factor_account' })
      throw new SecondFactorLockedException()
    }
  }

  async #check(user: User, proof: SecondFactorProof, pending: boolean) {
    const row = await this.#row(user.id)
    if (!row || Boolean(row.confirmed_at) === pending) throw new InvalidSecondFactorCodeException()
    if (proof.recoveryCode !== undefined) {
      if (pending) throw new InvalidSecondFactorCodeException()
      const used = await control()
        .from('user_recovery_codes')
        .where({
          user_id: user.id,
          code_hash: hashAccountToken(normaliseRecoveryCode(proof.recoveryCode)),
        })
        .whereNull('used_at')
        .update({ used_at: new Date() })
        .returning('id')
      if (used.length === 0) throw new InvalidSecondFactorCodeException()
      const left = await control()
        .from('user_recovery_codes')
        .where('user_id', user.id)
        .whereNull('used_at')
        .count('* as n')
        .first()
      await this.#emit({
        userId: user.id,
        action: 'recovery_code_used',
        method: 'recovery_code',
        detail: `${Number(left?.n ?? 0)} left`,
      })
      return
    }
    const code = proof.code ?? ''
    const secret = encryption.decrypt<string>(row.secret)
    if (!secret) throw new InvalidSecondFactorCodeException()
    const totp = totpFor(secret, user.email)
    const now = Date.now()
    const delta = totp.validate({ token: code, timestamp: now, window: WINDOW })
    if (delta === null) throw new InvalidSecondFactorCodeException()
    const step = totp.counter({ timestamp: now }) + delta
    // One statement decides: two requests with the same code cannot both pass.
    const accepted = await control()
      .from('user_second_factors')
      .where('user_id', user.id)
      .where('last_used_step', '<', step)
      .update({ last_used_step: step })
      .returning('user_id')
    if (accepted.length === 0) throw new InvalidSecondFactorCodeException()
  }

  async #replaceRecoveryCodes(trx: TransactionClientContract, userId: string) {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
    await trx.from('user_recovery_codes').where('user_id', userId).delete()
    await trx.table('user_recovery_codes').multiInsert(
      codes.map((code) => ({
        user_id: userId,
        code_hash: hashAccountToken(normaliseRecoveryCode(code)),
      }))
    )
    return codes
  }

  /**
   * Enrols and confirms a factor in one go, for an operator (`node ace users:second-factor`): how a
   * support account gets its first factor, or a new one after a lost phone. Replaces any factor.
   * `secret` is for the development seeder only (a published demo secret).
   */
  async enrolByOperator(user: User, options: { secret?: string; mail?: boolean } = {}) {
    const secret = options.secret ?? new Secret({ size: 20 }).base32
    const codes = await control().transaction(async (trx) => {
      await trx.rawQuery(
        `INSERT INTO user_second_factors (user_id, secret, confirmed_at) VALUES (?, ?, now())
         ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, confirmed_at = now(),
           last_used_step = 0, created_at = now()`,
        [user.id, encryption.encrypt(secret)]
      )
      const recovery = await this.#replaceRecoveryCodes(trx, user.id)
      if (options.mail !== false) await this.#mail(trx, user, 'enabled')
      return recovery
    })
    await this.#emit({ userId: user.id, action: 'enabled', detail: 'enrolled by an operator' })
    return { secret, otpauth_uri: totpFor(secret, user.email).toString(), recovery_codes: codes }
  }

  /** Whether the account's factor (confirmed or not) has this secret (the demo seeder's check). */
  async hasSecret(user: User, secret: string) {
    const row = await this.#row(user.id)
    return Boolean(row && encryption.decrypt<string>(row.secret) === secret)
  }

  /** enrolByOperator() for an email (ace commands); null when there is no such account. */
  async enrolByEmail(email: string, options: { secret?: string } = {}) {
    const user = await User.findByEmail(email)
    return user ? { user, ...(await this.enrolByOperator(user, options)) } : null
  }

  /** The current code of an account by email, or null (no account, or no second factor). */
  async currentCodeByEmail(email: string) {
    const user = await User.findByEmail(email)
    return user ? this.currentCode(user) : null
  }

  /** The account's current code (the development-only `users:totp-code` command). */
  async currentCode(user: User) {
    const row = await this.#row(user.id)
    const secret = row ? encryption.decrypt<string>(row.secret) : null
    return secret ? totpFor(secret, user.email).generate() : null
  }

  async #mail(trx: TransactionClientContract, user: User, change: 'enabled' | 'disabled') {
    await accountMail.queue(trx, {
      kind: 'second_factor_changed',
      to: user.email,
      userId: user.id,
      subject:
        change === 'enabled'
          ? 'Two-step sign-in is now on'
          : 'Two-step sign-in has been turned off',
      text:
        change === 'enabled'
          ? 'A second factor (authenticator app) was added to your GUDBRO account. If this was not you, reset your password and contact support.'
          : 'The second factor was removed from your GUDBRO account: signing in now needs your password only. If this was not you, reset your password and contact support.',
    })
  }

  /** The audit trail must not make a sign-in fail: a lost entry is logged instead. */
  async #emit(event: SecondFactorEvent) {
    await emitter.emit('auth.second_factor', event).catch((error) => {
      logger.error({ err: error }, 'second factor: audit event not recorded')
    })
  }
}

export const secondFactors = new SecondFactors()
