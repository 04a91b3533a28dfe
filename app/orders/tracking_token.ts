import { createHash, randomBytes } from 'node:crypto'
import { isUuid } from '#core/database/uuid'

/**
 * Order tracking tokens: "<merchantId>.<secret>". The merchant part routes a lookup to the right
 * shard; the whole token is stored only as a SHA-256 hash (the secret is 32 random bytes, so a
 * fast hash is enough).
 */
export const trackingTokens = {
  issue(merchantId: string) {
    const token = `${merchantId}.${randomBytes(32).toString('base64url')}`
    return { token, hash: this.hash(token) }
  },

  hash(token: string) {
    return createHash('sha256').update(token).digest('hex')
  },

  /** The merchant a well-formed token belongs to, or null. */
  merchantOf(token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 200) return null
    const [merchantId, secret] = token.split('.')
    return isUuid(merchantId) && /^[A-Za-z0-9_-]{43}$/.test(secret ?? '')
      ? merchantId.toLowerCase()
      : null
  },
}
