import emitter from '@adonisjs/core/services/emitter'
import db from '@adonisjs/lucid/services/db'
import { ACCESS_TOKENS } from '#tenancy/models/user'
import { accessRevocations } from '#core/revocation/access_revocations'
import { SessionNotFoundException } from '#tenancy/exceptions'
import '#tenancy/events'

/** bigserial ids: anything else names no token (and would make PostgreSQL fail the lookup). */
const TOKEN_ID = /^[1-9]\d{0,17}$/
/** More live tokens than this for one account is abuse; the list shows the newest. */
const MAX_LISTED = 200

type SessionRow = {
  id: string
  user_agent: string | null
  ip_address: string | null
  created_at: Date | null
  last_used_at: Date | null
  expires_at: Date | null
  merchant_id: string | null
  merchant_slug: string | null
  merchant_name: string | null
}

/**
 * An account's sessions: its unexpired access tokens, with the device and address each was issued to
 * and its last use (written about once a minute, off the request path: token_usage.ts). Revoking one
 * deletes it and tells every process (cached verifications dropped, sockets closed) at once.
 */
class SessionsService {
  async list(userId: string, currentTokenId: string) {
    const { rows } = (await db.connection('control').rawQuery(
      `SELECT t.id::text AS id, t.user_agent, t.ip_address, t.created_at, t.last_used_at, t.expires_at,
              m.id AS merchant_id, m.slug AS merchant_slug, m.name AS merchant_name
         FROM ${ACCESS_TOKENS.table} t
         LEFT JOIN LATERAL (
           SELECT substr(a, 10) AS id FROM jsonb_array_elements_text(t.abilities::jsonb) a
            WHERE a LIKE 'merchant:%' LIMIT 1
         ) bound ON true
         LEFT JOIN merchants m
           ON m.id = CASE WHEN bound.id ~ '^[0-9a-f-]{36}$' THEN bound.id::uuid END
        WHERE t.tokenable_id = ? AND t.type = ? AND (t.expires_at IS NULL OR t.expires_at > now())
        ORDER BY t.created_at DESC NULLS LAST, t.id DESC
        LIMIT ${MAX_LISTED}`,
      [userId, ACCESS_TOKENS.type]
    )) as { rows: SessionRow[] }
    return rows.map((row) => {
      const current = row.id === currentTokenId
      return {
        id: row.id,
        merchant: row.merchant_id
          ? { id: row.merchant_id, slug: row.merchant_slug, name: row.merchant_name }
          : null,
        device: row.user_agent,
        address: row.ip_address,
        created_at: row.created_at?.toISOString() ?? null,
        // The caller's own token is in use right now, whatever the last (once a minute) write says.
        last_used_at: current
          ? new Date().toISOString()
          : (row.last_used_at?.toISOString() ?? null),
        expires_at: row.expires_at?.toISOString() ?? null,
        current,
      }
    })
  }

  /** Revokes one of the account's own tokens; any other id (another account's, unknown) is a 404. */
  async revoke(userId: string, tokenId: string) {
    if (typeof tokenId !== 'string' || !TOKEN_ID.test(tokenId)) throw new SessionNotFoundException()
    const { rows } = await db
      .connection('control')
      .rawQuery(
        `DELETE FROM ${ACCESS_TOKENS.table} WHERE id = ?::bigint AND tokenable_id = ? AND type = ? RETURNING id`,
        [tokenId, userId, ACCESS_TOKENS.type]
      )
    if (!rows.length) throw new SessionNotFoundException()
    await accessRevocations.publish({ reason: 'session_revoked', tokenId, userId })
    await emitter.emit('auth.sessions_revoked', { userId, tokenIds: [tokenId], scope: 'one' })
  }

  /** Revokes every token of the account but the one in use; returns how many. */
  async revokeOthers(userId: string, currentTokenId: string) {
    const { rows } = await db
      .connection('control')
      .rawQuery(
        `DELETE FROM ${ACCESS_TOKENS.table} WHERE tokenable_id = ? AND id <> ?::bigint RETURNING id::text AS id`,
        [userId, currentTokenId]
      )
    const tokenIds = rows.map((row: { id: string }) => row.id)
    // One message per token: a message naming the user would close the current device's sockets too.
    for (const tokenId of tokenIds)
      await accessRevocations.publish({ reason: 'session_revoked', tokenId, userId })
    if (tokenIds.length)
      await emitter.emit('auth.sessions_revoked', { userId, tokenIds, scope: 'others' })
    return tokenIds.length
  }
}

export const sessionsService = new SessionsService()
