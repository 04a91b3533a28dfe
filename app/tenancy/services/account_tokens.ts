import { createHash, randomBytes } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import string from '@adonisjs/core/helpers/string'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import {
  AccountTokenExpiredException,
  AccountTokenUsedException,
  InvalidAccountTokenException,
} from '#tenancy/exceptions'

export const ACCOUNT_TOKEN_KINDS = ['verify_email', 'password_reset'] as const
export type AccountTokenKind = (typeof ACCOUNT_TOKEN_KINDS)[number]

/** Longest token accepted by consume(): ours are 43 characters; anything far longer is not ours. */
const MAX_TOKEN_LENGTH = 200

/** How every single-use secret of an account is kept (links, challenges, recovery codes): its SHA-256. */
export const hashAccountToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** A new single-use secret: 32 random bytes, base64url (43 characters). */
export const newAccountToken = () => randomBytes(32).toString('base64url')

/** Why a token did not spend (see `diagnose`). */
export type UnspentReason = 'unknown' | 'used' | 'expired'

/**
 * Single-use, expiring tokens mailed to an account (email verification, password reset), in
 * `account_tokens`. The token is 32 random bytes (base64url) and only its SHA-256 is stored, so a read of
 * the table gives nobody a working link. A new token of a kind supersedes the account's unused ones of
 * that kind (the latest mail is the one that works).
 */
class AccountTokens {
  /**
   * Issues a token in the caller's control transaction (the mail carrying it is written in the same one)
   * and returns it; `ttl` in seconds or as a duration ('30 minutes').
   */
  async issue(
    trx: TransactionClientContract,
    kind: AccountTokenKind,
    userId: string,
    ttl: number | string
  ): Promise<string> {
    const seconds = typeof ttl === 'number' ? ttl : string.seconds.parse(ttl)
    const token = newAccountToken()
    await trx.rawQuery(
      `UPDATE account_tokens SET used_at = now() WHERE kind = ? AND user_id = ? AND used_at IS NULL`,
      [kind, userId]
    )
    await trx.rawQuery(
      `INSERT INTO account_tokens (kind, user_id, token_hash, expires_at)
       VALUES (?, ?, ?, now() + make_interval(secs => ?))`,
      [kind, userId, hashAccountToken(token), seconds]
    )
    return token
  }

  /**
   * Uses the token up, atomically: one UPDATE that only an unused, unexpired token of that kind matches.
   * Returns its user id, or null (unknown, expired, already used: a concurrent second use gets null).
   * With `trx`, the use is undone if that transaction rolls back.
   */
  async consume(
    kind: AccountTokenKind,
    token: string,
    trx?: TransactionClientContract
  ): Promise<string | null> {
    if (typeof token !== 'string' || !token || token.length > MAX_TOKEN_LENGTH) return null
    const client = trx ?? db.connection('control')
    const result = await client.rawQuery(
      `UPDATE account_tokens SET used_at = now()
        WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > now()
        RETURNING user_id`,
      [hashAccountToken(token), kind]
    )
    return (result.rows[0]?.user_id as string | undefined) ?? null
  }

  /**
   * consume(), or the 410 that tells the link's holder why not: E_TOKEN_USED (spent or superseded by a
   * newer link), E_TOKEN_EXPIRED, E_TOKEN_INVALID (not ours). Every mailed link is refused the same way.
   */
  async spend(
    kind: AccountTokenKind,
    token: string,
    trx?: TransactionClientContract
  ): Promise<string> {
    const userId = await this.consume(kind, token, trx)
    if (userId) return userId
    const reason = await this.diagnose(kind, token, trx)
    if (reason === 'used') throw new AccountTokenUsedException({ field: 'token' })
    if (reason === 'expired') throw new AccountTokenExpiredException({ field: 'token' })
    throw new InvalidAccountTokenException({ field: 'token' })
  }

  /**
   * After consume() returned null: why. Only the holder of the link can ask, so saying "used" or
   * "expired" tells nobody else anything, and tells the holder whether to ask for a new link.
   */
  async diagnose(
    kind: AccountTokenKind,
    token: string,
    trx?: TransactionClientContract
  ): Promise<UnspentReason> {
    if (typeof token !== 'string' || !token || token.length > MAX_TOKEN_LENGTH) return 'unknown'
    const client = trx ?? db.connection('control')
    const row = await client
      .from('account_tokens')
      .where({ token_hash: hashAccountToken(token), kind })
      .select('used_at')
      .first()
    return !row ? 'unknown' : row.used_at ? 'used' : 'expired'
  }
}

export const accountTokens = new AccountTokens()
