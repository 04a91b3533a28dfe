import { Secret } from '@adonisjs/core/helpers'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import type { StaffRole } from '#tenancy/types'

export type StaffIdentity = {
  userId: string
  merchantId: string
  role: StaffRole
  tokenId: string
  expiresAt: Date | null
}

/**
 * Checks a staff access token outside of HTTP (socket handshakes): valid, not expired, bound to a
 * merchant, and its holder still a member there (re-read each time, so revoking takes effect at once).
 */
export async function verifyStaffToken(value: string): Promise<StaffIdentity | null> {
  if (typeof value !== 'string' || value.length > 500) return null
  const token = await User.accessTokens.verify(new Secret(value))
  if (!token) return null
  const merchantId = token.abilities
    .find((a) => a.startsWith('merchant:'))
    ?.slice('merchant:'.length)
  if (!merchantId) return null
  const membership = await Membership.query()
    .where({ user_id: String(token.tokenableId), merchant_id: merchantId })
    .first()
  if (!membership) return null
  return {
    userId: String(token.tokenableId),
    merchantId,
    role: membership.role,
    tokenId: String(token.identifier),
    expiresAt: token.expiresAt ?? null,
  }
}
