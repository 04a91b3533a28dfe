import { createHash, timingSafeEqual } from 'node:crypto'
import { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import { AccessToken } from '@adonisjs/auth/access_tokens'
import { ACCESS_TOKENS } from '#tenancy/models/user'
import { tokenUsage } from '#tenancy/services/token_usage'
import { metrics } from '#core/observability/metrics'
import { accessRevocations, type AccessRevocation } from '#core/revocation/access_revocations'
import type { PlatformRole, StaffRole } from '#tenancy/types'

/** Who a valid access token speaks for, and what it may do. */
export type VerifiedToken = {
  tokenId: string
  userId: string
  email: string
  platformRole: PlatformRole | null
  abilities: string[]
  /** The merchant the token was issued for (ability `merchant:<id>`), or null. */
  merchantId: string | null
  /** The holder's role at that merchant; null when they are no longer a member there. */
  role: StaffRole | null
  /** Epoch ms, or null for a token that does not expire. */
  expiresAt: number | null
}

type Entry = VerifiedToken & { hash: Buffer; cachedUntil: number }

type TokenRow = {
  hash: string
  abilities: string
  expires_at: Date | null
  user_id: string
  email: string
  platform_role: PlatformRole | null
  merchant_id: string | null
  role: StaffRole | null
}

/** How long a verified token is answered from memory without asking the database. */
export const TOKEN_CACHE_TTL_MS = 10_000
const TOKEN_CACHE_MAX = 10_000
/** bigserial ids: anything else is not ours (and would make PostgreSQL fail the lookup). */
const TOKEN_ID = /^[1-9]\d{0,17}$/
const RETRY_LISTEN_MS = 1000

const lookups = metrics.counter({
  name: 'auth_token_cache_lookups_total',
  help: 'Access-token checks by outcome: hit (memory), miss (database), bypass (revocations not heard: database)',
  labelNames: ['outcome'],
})
const outcome = {
  hit: lookups.labels('hit'),
  miss: lookups.labels('miss'),
  bypass: lookups.labels('bypass'),
}

const sha256 = (value: string) => createHash('sha256').update(value).digest()

/**
 * Checks access tokens for HTTP requests (app/tenancy/middleware/resolve_tenant_middleware.ts).
 *
 * A verified token is kept in this process's memory for at most 10 s (never past its expiry; bounded,
 * least recently used first out), with what a request needs: the user, their platform role, the token's
 * abilities and merchant, and the holder's role there. A hit still checks the secret: the presented
 * secret's SHA-256 against the stored hash, in constant time. A miss is one control-database statement
 * (token, user and membership joined). Neither writes: last_used_at goes through token_usage.ts.
 *
 * Revocations (core/revocation: sign-out, token deletion, membership removal, suspension, erasure) drop
 * the matching entries in every process as the message arrives, and in the revoking process before it is
 * even published. When this process cannot be sure to hear them (subscription not confirmed, or its Redis
 * connection down) it neither reads nor fills the cache: every request goes to the database, as before
 * the cache, until the subscription is confirmed again, and then starts from an empty cache.
 * docs/decisions/token-cache.md.
 */
export class VerifiedTokens {
  #entries = new Map<string, Entry>()
  /** Bumped by every revocation and gap: a database read that started before must not be cached. */
  #generation = 0
  #registered = false
  #retryListenAt = 0
  #onRevocation = (revocation: AccessRevocation) => this.revoke(revocation)

  /** The clock; tests move it forward. */
  now: () => number = () => Date.now()

  /** The token's identity when `value` is a valid, unexpired access token; otherwise null. */
  async verify(value: string): Promise<VerifiedToken | null> {
    const decoded = AccessToken.decode(ACCESS_TOKENS.prefix, value)
    if (!decoded || !TOKEN_ID.test(decoded.identifier)) return null
    const id = decoded.identifier
    const presented = sha256(decoded.secret.release())
    const now = this.now()
    const live = this.#listening(now)

    if (live) {
      const entry = this.#entries.get(id)
      if (entry && entry.cachedUntil > now) {
        if (!timingSafeEqual(entry.hash, presented)) return null
        // Least recently used goes first: a hit moves the entry to the end.
        this.#entries.delete(id)
        this.#entries.set(id, entry)
        outcome.hit.inc()
        tokenUsage.record(id, now)
        return entry
      }
      if (entry) this.#entries.delete(id)
      outcome.miss.inc()
    } else {
      outcome.bypass.inc()
    }

    const generation = this.#generation
    const token = await this.#load(id)
    if (!token || token.hash.length !== presented.length) return null
    if (!timingSafeEqual(token.hash, presented)) return null
    const checkedAt = this.now()
    if (token.expiresAt !== null && token.expiresAt <= checkedAt) return null
    tokenUsage.record(id, checkedAt)
    // Cached only if nothing was revoked while we read, and revocations are still being heard.
    if (live && generation === this.#generation && accessRevocations.live) this.#store(token, now)
    return token
  }

  /** Entries in memory (tests and metrics). */
  get size() {
    return this.#entries.size
  }

  /** Forgets every entry (tests; also what a gap in the revocation signal does). */
  clear() {
    this.#generation++
    this.#entries.clear()
  }

  /** Forgets the entries a revocation covers (its fields are AND-ed, as for sockets). */
  revoke(revocation: AccessRevocation) {
    // A module switched off does not change who a token speaks for (the module gate reads the merchant).
    if (revocation.module) return
    this.#generation++
    const { tokenId, userId, merchantId } = revocation
    if (tokenId && !userId && !merchantId) {
      this.#entries.delete(tokenId)
      return
    }
    for (const [id, entry] of this.#entries) {
      if (
        (!tokenId || id === tokenId) &&
        (!userId || entry.userId === userId) &&
        (!merchantId || entry.merchantId === merchantId)
      )
        this.#entries.delete(id)
    }
  }

  #store(token: VerifiedToken & { hash: Buffer }, now: number) {
    const cachedUntil = Math.min(now + TOKEN_CACHE_TTL_MS, token.expiresAt ?? Infinity)
    this.#entries.delete(token.tokenId)
    if (this.#entries.size >= TOKEN_CACHE_MAX)
      this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(token.tokenId, { ...token, cachedUntil })
  }

  /** The token, its user and the membership at the token's merchant: one statement. */
  async #load(id: string): Promise<(VerifiedToken & { hash: Buffer }) | null> {
    const { rows } = (await db.connection('control').rawQuery(
      `SELECT t.hash, t.abilities, t.expires_at, u.id AS user_id, u.email, u.platform_role,
              m.merchant_id, m.role
       FROM ${ACCESS_TOKENS.table} t
       JOIN users u ON u.id = t.tokenable_id
       LEFT JOIN memberships m
         ON m.user_id = u.id AND jsonb_exists(t.abilities::jsonb, 'merchant:' || m.merchant_id::text)
       WHERE t.id = ?::bigint AND t.type = ?`,
      [id, ACCESS_TOKENS.type]
    )) as { rows: TokenRow[] }
    const row = rows[0]
    if (!row) return null
    const abilities = JSON.parse(row.abilities) as string[]
    const merchantId =
      abilities.find((a) => a.startsWith('merchant:'))?.slice('merchant:'.length) ?? null
    return {
      tokenId: id,
      userId: row.user_id,
      email: row.email,
      platformRole: row.platform_role,
      abilities,
      merchantId,
      role: rows.find((r) => r.merchant_id === merchantId)?.role ?? null,
      expiresAt: row.expires_at ? row.expires_at.getTime() : null,
      hash: Buffer.from(row.hash, 'hex'),
    }
  }

  /**
   * Whether revocations reach this process now. The first call subscribes (outside the request's async
   * context, so the subscription does not keep it); a failed subscription is tried again at most once a
   * second, by the requests that find the cache off.
   */
  #listening(now: number): boolean {
    if (accessRevocations.live && this.#registered) return true
    if (!this.#registered) {
      this.#registered = true
      accessRevocations.onGap(() => this.clear())
    }
    if (now >= this.#retryListenAt) {
      this.#retryListenAt = now + RETRY_LISTEN_MS
      HttpContext.runOutsideContext(() => accessRevocations.listen(this.#onRevocation)).catch(
        (error) =>
          logger.warn({ err: error }, 'token cache off: cannot subscribe to access revocations')
      )
    }
    return false
  }
}

export const verifiedTokens = new VerifiedTokens()
