import { createHash, randomBytes } from 'node:crypto'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import {
  AccountTokenExpiredException,
  AccountTokenInvalidException,
  AccountTokenUsedException,
} from '#tenancy/exceptions'

export const ACCOUNT_TOKEN_KINDS = ['verify_email', 'password_reset'] as const
export type AccountTokenKind = (typeof ACCOUNT_TOKEN_KINDS)[number]

/** How long a link stays valid, per kind. */
export const ACCOUNT_TOKEN_TTL_SECONDS: Record<AccountTokenKind, number> = {
  verify_email: 24 * 60 * 60,
  password_reset: 30 * 60,
}

/** 32 random bytes as base64url (43 characters): what goes into the link, and nowhere else. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

export function digestAccountToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

type Client = TransactionClientContract

/**
 * Single-use, expiring account tokens (email verification, password reset). Only the SHA-256 digest
 * is stored: a copy of the table opens no account. Issuing a token retires the user's earlier unused
 * ones of that kind, so only the latest link works.
 */
export const accountTokens = {
  async issue(
    trx: Client,
    input: { kind: AccountTokenKind; userId: string; ttlSeconds?: number }
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url')
    const ttl = input.ttlSeconds ?? ACCOUNT_TOKEN_TTL_SECONDS[input.kind]
    await trx
      .from('account_tokens')
      .where({ user_id: input.userId, kind: input.kind })
      .whereNull('used_at')
      .update({ used_at: trx.knexRawQuery('now()') })
    await trx.table('account_tokens').insert({
      kind: input.kind,
      user_id: input.userId,
      token_hash: digestAccountToken(token),
      expires_at: trx.knexRawQuery('now() + make_interval(secs => ?)', [ttl]),
    })
    return token
  },

  /**
   * Spends a token in one statement (two requests racing with one link: one wins), and returns its
   * user. A token that does not spend says why: unknown (E_TOKEN_INVALID), used (E_TOKEN_USED),
   * expired (E_TOKEN_EXPIRED); only the holder of the link can ask, so this tells nobody else anything.
   */
  async consume(trx: Client, kind: AccountTokenKind, token: string): Promise<{ userId: string }> {
    if (!TOKEN_SHAPE.test(token)) throw new AccountTokenInvalidException()
    const digest = digestAccountToken(token)
    const spent = await trx.rawQuery(
      `UPDATE account_tokens SET used_at = now()
        WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > now()
        RETURNING user_id`,
      [digest, kind]
    )
    const row = spent.rows[0]
    if (row) return { userId: row.user_id }
    const known = await trx
      .from('account_tokens')
      .where({ token_hash: digest, kind })
      .select('used_at')
      .first()
    if (!known) throw new AccountTokenInvalidException()
    if (known.used_at) throw new AccountTokenUsedException()
    throw new AccountTokenExpiredException()
  },
}
