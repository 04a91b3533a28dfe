import { verifiedTokens } from '#tenancy/services/verified_tokens'
import type { StaffRole } from '#tenancy/types'

export type StaffIdentity = {
  userId: string
  merchantId: string
  role: StaffRole
  tokenId: string
  expiresAt: Date | null
}

/**
 * Checks a staff access token outside of HTTP (socket handshakes and their re-validation) the way HTTP
 * does (services/verified_tokens.ts): valid, not expired, bound to a merchant, and its holder still a
 * member there. Revocations reach it as they reach HTTP requests; nothing is written.
 */
export async function verifyStaffToken(value: string): Promise<StaffIdentity | null> {
  if (typeof value !== 'string' || value.length > 500) return null
  const token = await verifiedTokens.verify(value)
  if (!token?.merchantId || !token.role) return null
  return {
    userId: token.userId,
    merchantId: token.merchantId,
    role: token.role,
    tokenId: token.tokenId,
    expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt),
  }
}
