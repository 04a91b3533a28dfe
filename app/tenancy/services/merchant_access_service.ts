import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Merchant from '#tenancy/models/merchant'
import Membership from '#tenancy/models/membership'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { accessRevocations, type AccessRevocation } from '#core/revocation/access_revocations'
import { runWithReason } from '#core/database/actor_context'
import { isUuid } from '#core/database/uuid'
import { ValidationException } from '#core/exceptions/http_errors'
import { moduleAccess } from '#tenancy/services/module_access_service'
import {
  LastOwnerException,
  MembershipNotFoundException,
  RoleRequiredException,
} from '#tenancy/exceptions'
import type { MerchantStatus, StaffRole } from '#tenancy/types'

/** The SQLSTATE of the memberships trigger that keeps an owner (database/migrations/tenancy/control/0005). */
const LAST_OWNER_SQLSTATE = 'GU409'

/** Who asks for a membership change: the caller must still hold one of `roles` there (checked under the lock). */
export type MembershipActor = { userId: string; roles: StaffRole[] }

export type RoleChange = { userId: string; from: StaffRole; to: StaffRole }

/**
 * Who may act for a merchant: suspending and reactivating it, removing members, changing their roles,
 * transferring ownership. The one place these happen (support's admin API and owners' team routes), so
 * each revokes what it must in every process at once.
 *
 * Membership changes of one merchant run one at a time: each locks the merchant row first, then checks
 * the caller's own role and the owner count as committed. A database trigger on memberships checks the
 * owner count again under the same lock, so no path can leave a merchant without an owner.
 */
/** Who outranks whom: a change to a lower rank is a demotion. */
const RANK: Record<StaffRole, number> = { staff: 0, manager: 1, owner: 2 }

export class MerchantAccessService {
  /** Suspended: every request and socket of the merchant is refused; its open sockets are closed. */
  suspend(reference: string, reason: string) {
    return this.#setStatus(reference, 'suspended', reason)
  }

  reactivate(reference: string, reason: string) {
    return this.#setStatus(reference, 'active', reason)
  }

  /** Support: removes a member of the merchant named by id or slug, saying why. */
  async removeMember(reference: string, userId: string, reason: string) {
    const merchant = await moduleAccess.resolve(reference)
    await runWithReason(reason, () => this.removeMembership(merchant.id, userId))
  }

  /**
   * Removes a member and the tokens they hold for this merchant; their cached verifications are dropped
   * and their open sockets there closed, in every process. Returns the role they had.
   */
  async removeMembership(
    merchantId: string,
    userId: string,
    actor?: MembershipActor
  ): Promise<StaffRole> {
    const role = await this.#change(merchantId, actor, async (trx) => {
      const membership = await this.#locked(trx, merchantId, userId)
      if (membership.role === 'owner') await this.#assertAnotherOwner(trx, merchantId, userId)
      await membership.delete()
      await this.#revokeInvitationsBy(trx, merchantId, userId)
      await trx
        .from('auth_access_tokens')
        .where('tokenable_id', userId)
        .whereRaw('abilities::jsonb @> ?::jsonb', [JSON.stringify([`merchant:${merchantId}`])])
        .delete()
      return membership.role
    })
    await this.#revoke([{ reason: 'membership_removed', userId, merchantId }])
    return role
  }

  /**
   * Changes a member's role. Their tokens stay valid, but every process forgets what it had verified
   * (the next request reads the new role) and their open sockets are closed (a reconnect is authorised
   * with the new role).
   */
  async changeRole(
    merchantId: string,
    userId: string,
    role: StaffRole,
    actor?: MembershipActor
  ): Promise<RoleChange> {
    const change = await this.#change(merchantId, actor, async (trx) => {
      const membership = await this.#locked(trx, merchantId, userId)
      const from = membership.role
      if (from === role) return { userId, from, to: role }
      if (from === 'owner') await this.#assertAnotherOwner(trx, merchantId, userId, 'demoted')
      membership.role = role
      await membership.save()
      if (RANK[role] < RANK[from]) await this.#revokeInvitationsBy(trx, merchantId, userId)
      return { userId, from, to: role }
    })
    if (change.from !== change.to)
      await this.#revoke([{ reason: 'role_changed', userId, merchantId }])
    return change
  }

  /**
   * Open invitations someone sent stop working when they leave or are demoted: otherwise a removed
   * manager could invite an address of their own and come back through it.
   */
  async #revokeInvitationsBy(trx: TransactionClientContract, merchantId: string, userId: string) {
    await trx
      .from('team_invitations')
      .where({ merchant_id: merchantId, invited_by: userId })
      .whereNull('accepted_at')
      .whereNull('revoked_at')
      .update({ revoked_at: new Date() })
  }

  /** The target member becomes an owner and the current owner a manager, in one transaction. */
  async transferOwnership(
    merchantId: string,
    fromUserId: string,
    toUserId: string
  ): Promise<RoleChange[]> {
    if (fromUserId === toUserId)
      throw new ValidationException('You already own this merchant', { field: 'user' })
    const changes = await this.#change(
      merchantId,
      { userId: fromUserId, roles: ['owner'] },
      async (trx) => {
        const target = await this.#locked(trx, merchantId, toUserId)
        const current = await this.#locked(trx, merchantId, fromUserId)
        const result: RoleChange[] = []
        if (target.role !== 'owner') {
          result.push({ userId: toUserId, from: target.role, to: 'owner' })
          target.role = 'owner'
          await target.save()
        }
        result.push({ userId: fromUserId, from: current.role, to: 'manager' })
        current.role = 'manager'
        await current.save()
        return result
      }
    )
    await this.#revoke(
      changes.map((change) => ({ reason: 'role_changed', userId: change.userId, merchantId }))
    )
    return changes
  }

  /**
   * One membership change: a control transaction holding the merchant's row lock, the caller's role
   * checked as committed, and the trigger's refusal answered as the last-owner error it is.
   */
  async #change<T>(
    merchantId: string,
    actor: MembershipActor | undefined,
    work: (trx: TransactionClientContract) => Promise<T>
  ): Promise<T> {
    try {
      return await db.connection('control').transaction(async (trx) => {
        // NO KEY UPDATE: new memberships' foreign-key checks (KEY SHARE) do not wait on it.
        const locked = await trx.rawQuery(
          'SELECT id FROM merchants WHERE id = ? FOR NO KEY UPDATE',
          [merchantId]
        )
        if (locked.rows.length === 0) throw new MembershipNotFoundException()
        if (actor) {
          const own = await trx
            .from('memberships')
            .where({ merchant_id: merchantId, user_id: actor.userId })
            .select('role')
            .first()
          if (!own || !actor.roles.includes(own.role))
            throw new RoleRequiredException(
              `This needs one of these roles: ${actor.roles.join(', ')}`
            )
        }
        return work(trx)
      })
    } catch (error) {
      if ((error as { code?: string }).code === LAST_OWNER_SQLSTATE) throw new LastOwnerException()
      throw error
    }
  }

  async #locked(trx: TransactionClientContract, merchantId: string, userId: string) {
    if (!isUuid(userId)) throw new MembershipNotFoundException()
    const membership = await Membership.query({ client: trx })
      .where({ merchant_id: merchantId, user_id: userId })
      .forUpdate()
      .first()
    if (!membership) throw new MembershipNotFoundException()
    return membership
  }

  async #assertAnotherOwner(
    trx: TransactionClientContract,
    merchantId: string,
    userId: string,
    what: 'removed' | 'demoted' = 'removed'
  ) {
    const other = await trx
      .from('memberships')
      .where({ merchant_id: merchantId, role: 'owner' })
      .whereNot('user_id', userId)
      .select('id')
      .first()
    if (!other)
      throw new LastOwnerException(
        `The last owner of a merchant cannot be ${what}: make another member an owner first`
      )
  }

  async #revoke(revocations: AccessRevocation[]) {
    for (const revocation of revocations) await accessRevocations.publish(revocation)
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
