import type { SocketIdentity } from '#core/realtime/types'
import { realtime } from '#core/realtime/realtime'
import { verifyStaffToken } from '#tenancy/services/staff_tokens'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { moduleAvailability } from '#tenancy/modules/module_availability'
import {
  MerchantNotFoundException,
  MerchantSuspendedException,
  ModuleDisabledException,
} from '#tenancy/exceptions'

/** A staff socket: { token } -> the merchant's rooms; found again by its token and user on a revocation. */
export async function authenticateStaffSocket(
  credentials: Record<string, unknown>
): Promise<SocketIdentity | null> {
  if (typeof credentials.token !== 'string') return null
  const staff = await verifyStaffToken(credentials.token)
  if (!staff) return null
  return {
    kind: 'staff',
    merchantId: staff.merchantId,
    subject: staff.userId,
    role: staff.role,
    rooms: realtime.staffRooms(staff.merchantId),
    userId: staff.userId,
    tokenId: staff.tokenId,
    expiresAt: staff.expiresAt,
  }
}

/**
 * Every socket, whatever its kind, as HTTP treats the same merchant (resolver and module gate): refused
 * when the merchant is gone or suspended, or when the module it serves is off (tier, override, kill switch).
 */
export async function admitSocket(identity: SocketIdentity): Promise<void> {
  const merchant = await merchantDirectory.byId(identity.merchantId)
  if (!merchant) throw new MerchantNotFoundException()
  if (merchant.status === 'suspended') throw new MerchantSuspendedException()
  if (identity.module && moduleAvailability(identity.module, merchant) !== 'available')
    throw new ModuleDisabledException()
}
