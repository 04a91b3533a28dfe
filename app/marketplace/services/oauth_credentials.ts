import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Kinds of opaque OAuth values we issue: authorization code, access token, refresh token. */
export type CredentialKind = 'code' | 'access' | 'refresh'

const PREFIXES: Record<CredentialKind, string> = { code: 'gac', access: 'gat', refresh: 'grt' }
const SHAPE = /^(gac|gat|grt)_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/
/** RFC 7636 4.1: 43 to 128 unreserved characters. The challenge (base64url of SHA-256) is 43. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

/**
 * Authorization codes and tokens (docs/decisions/marketplace.md, "OAuth install"): `<kind>_<merchant
 * id, 32 hex>_<32 random bytes, base64url>`. The merchant id is the routing hint that lets the token
 * endpoint and the public API go straight to the merchant's shard; it is no secret (the app knows
 * which merchant installed it). Only the SHA-256 of the whole value is stored.
 */
export class OAuthCredentials {
  issue(kind: CredentialKind, merchantId: string) {
    const value = `${PREFIXES[kind]}_${merchantId.replaceAll('-', '').toLowerCase()}_${randomBytes(32).toString('base64url')}`
    return { value, hash: this.hash(value) }
  }

  hash(value: string) {
    return createHash('sha256').update(value).digest('hex')
  }

  /** The merchant a value of this kind was issued for, or null when it is not one of ours. */
  merchantOf(kind: CredentialKind, value: unknown): string | null {
    if (typeof value !== 'string' || value.length > 100) return null
    const match = SHAPE.exec(value)
    if (!match || match[1] !== PREFIXES[kind]) return null
    const hex = match[2]
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }

  /** Whether `challenge` is a well-formed S256 code challenge (base64url of 32 bytes). */
  isChallenge(value: unknown): value is string {
    return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value)
  }

  /** RFC 7636 4.6: BASE64URL(SHA256(verifier)) equals the challenge, compared in constant time. */
  verifierMatches(verifier: unknown, challenge: string) {
    if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) return false
    const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'))
    const expected = Buffer.from(challenge)
    return computed.length === expected.length && timingSafeEqual(computed, expected)
  }
}

export const oauthCredentials = new OAuthCredentials()
