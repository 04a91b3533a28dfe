import { hash, timingSafeEqual } from 'node:crypto'
import { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import { AccessToken } from '@adonisjs/auth/access_tokens'
import { ACCESS_TOKENS } from '#tenancy/models/user'
import { tokenUsage } from '#tenancy/services/token_usage'
import { metrics } from '#core/observability/metrics'
import {
  accessRevocations,
  revocationCovers,
  type AccessRevocation,
} from '#core/revocation/access_revocations'
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

type Loaded = VerifiedToken & { hash: Buffer }

/** What callers get: never the stored hash or the cache's own object. */
function verifiedView(token: Loaded): VerifiedToken {
  const { tokenId, userId, email, platformRole, abilities, merchantId, role, expiresAt } = token
  return {
    tokenId,
    userId,
    email,
    platformRole,
    abilities: [...abilities],
    merchantId,
    role,
    expiresAt,
  }
}
type Entry = Loaded & { cachedUntil: number }
type Read = { token: Loaded | null; live: boolean; generation: number }

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
/** A hit this close to its entry's end starts a background read that renews it. */
const REFRESH_AHEAD_MS = 2000
const TOKEN_CACHE_MAX = 10_000
/** bigserial ids: anything else is not ours (and would make PostgreSQL fail the lookup). */
const TOKEN_ID = /^[1-9]\d{0,17}$/
const RETRY_LISTEN_MS = 1000

const lookups = metrics.tally({
  name: 'auth_token_cache_lookups_total',
  help: 'Access-token checks by outcome: hit (memory), miss (database), bypass (revocations not heard: database)',
  labelNames: ['outcome'],
})
const outcome = {
  hit: lookups.child({ outcome: 'hit' }),
  miss: lookups.child({ outcome: 'miss' }),
  bypass: lookups.child({ outcome: 'bypass' }),
}

/** One-shot hash: about half the cost of createHash() for a short input. */
const sha256 = (value: string) => hash('sha256', value, 'buffer')

/**
 * Checks access tokens for HTTP requests (app/tenancy/middleware/resolve_tenant_middleware.ts).
 *
 * A verified token is kept in this process's memory for 10 s (never past its expiry; bounded, least
 * recently used first out), with what a request needs: the user, their platform role, the token's
 * abilities and merchant, and the holder's role there. A token in use is read again in the background
 * shortly before its entry ends, so what memory says is never more than 10 s older than the database.
 * A hit still checks the secret: the presented secret's SHA-256 against the stored hash, in constant
 * time. A miss is one control-database statement (token, user and membership joined), shared by the
 * requests that miss together. Nothing here writes: last_used_at goes through token_usage.ts.
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
  #reading = new Map<string, { generation: number; read: Promise<Read> }>()
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
        // A token in use is read again shortly before its entry ends, so its requests never wait.
        if (entry.cachedUntil - now < REFRESH_AHEAD_MS && entry.cachedUntil !== entry.expiresAt)
          this.#refresh(id)
        return verifiedView(entry)
      }
      if (entry) this.#entries.delete(id)
      outcome.miss.inc()
    } else {
      outcome.bypass.inc()
    }

    const read = await this.#read(id, live)
    const token = read.token
    if (!token || token.hash.length !== presented.length) return null
    if (!timingSafeEqual(token.hash, presented)) return null
    const checkedAt = this.now()
    if (token.expiresAt !== null && token.expiresAt <= checkedAt) return null
    tokenUsage.record(id, checkedAt)
    // Only a token whose secret was just presented is kept (guessed ids cannot fill the cache).
    if (this.#stillValid(read)) this.#store(token, checkedAt)
    return verifiedView(token)
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
    const covers = (tokenId: string, entry: Entry) =>
      revocationCovers(revocation, { tokenId, userId: entry.userId, merchantId: entry.merchantId })
    if (revocation.tokenId) {
      const entry = this.#entries.get(revocation.tokenId)
      if (entry && covers(revocation.tokenId, entry)) this.#entries.delete(revocation.tokenId)
      return
    }
    for (const [id, entry] of this.#entries) if (covers(id, entry)) this.#entries.delete(id)
  }

  #store(token: Loaded, now: number) {
    const cachedUntil = Math.min(now + TOKEN_CACHE_TTL_MS, token.expiresAt ?? Infinity)
    this.#entries.delete(token.tokenId)
    if (this.#entries.size >= TOKEN_CACHE_MAX)
      this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(token.tokenId, { ...token, cachedUntil })
  }

  /**
   * One database read per token at a time (all the requests of a busy token whose entry just ended
   * share it), with what decides whether its result may be cached: whether revocations were heard when
   * it started, and the generation then.
   */
  #read(id: string, live: boolean): Promise<Read> {
    const generation = this.#generation
    // A read that started before a revocation may return the revoked row: a later request never joins it.
    const running = this.#reading.get(id)
    if (running?.generation === generation) return running.read
    const read = this.#load(id)
      .then((token) => ({ token, live, generation }))
      .finally(() => {
        if (this.#reading.get(id)?.read === read) this.#reading.delete(id)
      })
    this.#reading.set(id, { generation, read })
    return read
  }

  /** Nothing was revoked and no message could have been missed since the read started. */
  #stillValid(read: Read) {
    return read.live && read.generation === this.#generation && accessRevocations.live
  }

  /** Reads the token again in the background; its entry is renewed, or dropped if it is gone. */
  #refresh(id: string) {
    if (this.#reading.has(id)) return
    HttpContext.runOutsideContext(() =>
      this.#read(id, true).then(
        (read) => {
          if (!this.#stillValid(read)) return
          const now = this.now()
          if (read.token && (read.token.expiresAt ?? Infinity) > now) this.#store(read.token, now)
          else this.#entries.delete(id)
        },
        // A failed read changes nothing: the entry ends as it would have, and a request reads again.
        () => {}
      )
    )
  }

  /** The token, its user and the membership at the token's merchant: one statement. */
  async #load(id: string): Promise<Loaded | null> {
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
    if (!this.#registered) {
      this.#registered = true
      accessRevocations.onGap(() => this.clear())
      this.#listen(now)
    } else if (!accessRevocations.live && now >= this.#retryListenAt) {
      this.#listen(now)
    }
    return accessRevocations.live
  }

  /** Registers the handler at once (listen() adds it before it subscribes, if it must). */
  #listen(now: number) {
    this.#retryListenAt = now + RETRY_LISTEN_MS
    HttpContext.runOutsideContext(() => accessRevocations.listen(this.#onRevocation)).catch(
      (error) =>
        logger.warn({ err: error }, 'token cache off: cannot subscribe to access revocations')
    )
  }
}

export const verifiedTokens = new VerifiedTokens()
