import db from '@adonisjs/lucid/services/db'
import Merchant from '#tenancy/models/merchant'
import Membership from '#tenancy/models/membership'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { accessRevocations } from '#core/revocation/access_revocations'
import { runWithReason } from '#core/database/actor_context'
import { isUuid } from '#core/database/uuid'
import { moduleAccess } from '#tenancy/services/module_access_service'
import { LastOwnerException, MembershipNotFoundException } from '#tenancy/exceptions'
import type { MerchantStatus } from '#tenancy/types'

/**
 * Who may act for a merchant: suspending and reactivating it, removing a member. The one place these
 * happen (admin API today, team management later), so each revokes what it must in every process at once.
 */
export class MerchantAccessService {
  /** Suspended: every request and socket of the merchant is refused; its open sockets are closed. */
  suspend(reference: string, reason: string) {
    return this.#setStatus(reference, 'suspended', reason)
  }

  reactivate(reference: string, reason: string) {
    return this.#setStatus(reference, 'active', reason)
  }

  /** Removes a member and the tokens they hold for this merchant; their open sockets there are closed. */
  async removeMember(reference: string, userId: string, reason: string) {
    const merchant = await moduleAccess.resolve(reference)
    if (!isUuid(userId)) throw new MembershipNotFoundException()
    await runWithReason(reason, () =>
      db.connection('control').transaction(async (trx) => {
        const membership = await Membership.query({ client: trx })
          .where({ merchant_id: merchant.id, user_id: userId })
          .forUpdate()
          .first()
        if (!membership) throw new MembershipNotFoundException()
        if (membership.role === 'owner') {
          const owners = await trx
            .from('memberships')
            .where({ merchant_id: merchant.id, role: 'owner' })
            .count('* as total')
            .first()
          if (Number(owners?.total ?? 0) <= 1) throw new LastOwnerException()
        }
        await membership.delete()
        await trx
          .from('auth_access_tokens')
          .where('tokenable_id', userId)
          .whereRaw('abilities::jsonb @> ?::jsonb', [JSON.stringify([`merchant:${merchant.id}`])])
          .delete()
      })
    )
    await accessRevocations.publish({
      reason: 'membership_removed',
      userId,
      merchantId: merchant.id,
    })
  }

  async #setStatus(reference: string, status: MerchantStatus, reason: string) {
    const snapshot = await moduleAccess.resolve(reference)
    await runWithReason(reason, async () => {
      const merchant = await Merchant.findOrFail(snapshot.id)
      merchant.status = status
      await merchant.save()
    })
    await merchantDirectory.invalidate(snapshot)
    if (status === 'suspended')
      await accessRevocations.publish({ reason: 'merchant_suspended', merchantId: snapshot.id })
    return (await merchantDirectory.byId(snapshot.id))!
  }
}

export const merchantAccess = new MerchantAccessService()
