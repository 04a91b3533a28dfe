import db from '@adonisjs/lucid/services/db'
import { merchantAccess } from '#tenancy/services/merchant_access_service'
import { emitTeamEvent } from '#tenancy/services/team_invitations'
import { RoleRequiredException } from '#tenancy/exceptions'
import { OnlyOwnerException } from '#tenancy/team_exceptions'
import type { StaffRole } from '#tenancy/types'

export type TeamActor = { userId: string; role: StaffRole }

type MemberRow = {
  user_id: string
  full_name: string | null
  email: string
  role: StaffRole
  joined_at: Date
}

/**
 * A merchant's members as its owners manage them. The changes themselves (and what they revoke in
 * every process) are merchantAccess's, shared with support's admin routes.
 */
export class TeamMembers {
  async list(merchantId: string) {
    const rows: MemberRow[] = await db
      .connection('control')
      .from('memberships as m')
      .join('users as u', 'u.id', 'm.user_id')
      .where('m.merchant_id', merchantId)
      .orderBy('m.created_at')
      .orderBy('m.user_id')
      .limit(500)
      .select('m.user_id', 'u.full_name', 'u.email', 'm.role', 'm.created_at as joined_at')
    return rows.map((row) => ({
      userId: row.user_id,
      fullName: row.full_name,
      email: row.email,
      role: row.role,
      joinedAt: row.joined_at,
    }))
  }

  async changeRole(merchantId: string, actor: TeamActor, userId: string, role: StaffRole) {
    const change = await merchantAccess.changeRole(merchantId, userId, role, {
      userId: actor.userId,
      roles: ['owner'],
    })
    if (change.from !== change.to)
      await emitTeamEvent('team.member_role_changed', {
        merchantId,
        actorId: actor.userId,
        subjectId: userId,
        details: { from: change.from, to: change.to },
      })
    return change
  }

  /** Owners remove anyone (but the last owner); any member may leave. */
  async remove(merchantId: string, actor: TeamActor, userId: string) {
    const self = actor.userId === userId
    if (!self && actor.role !== 'owner')
      throw new RoleRequiredException('Only owners remove other members; anyone may leave')
    const role = await merchantAccess.removeMembership(merchantId, userId, {
      userId: actor.userId,
      roles: self ? ['owner', 'manager', 'staff'] : ['owner'],
    })
    await emitTeamEvent('team.member_removed', {
      merchantId,
      actorId: actor.userId,
      subjectId: userId,
      details: { role, left: self },
    })
  }

  async transferOwnership(merchantId: string, actor: TeamActor, toUserId: string) {
    const changes = await merchantAccess.transferOwnership(merchantId, actor.userId, toUserId)
    await emitTeamEvent('team.ownership_transferred', {
      merchantId,
      actorId: actor.userId,
      subjectId: toUserId,
      details: { changes: changes.map((c) => ({ user_id: c.userId, from: c.from, to: c.to })) },
    })
    return changes
  }

  /**
   * Refuses when any of these accounts is the only owner of a merchant (GDPR erasure would leave the
   * merchant without anyone able to run it): the owner transfers ownership first.
   */
  async assertNotOnlyOwner(userIds: string[]) {
    if (userIds.length === 0) return
    const rows: Array<{ slug: string }> = await db
      .connection('control')
      .from('memberships as m')
      .join('merchants as mer', 'mer.id', 'm.merchant_id')
      .whereIn('m.user_id', userIds)
      .where('m.role', 'owner')
      .whereNotExists((other) =>
        other
          .from('memberships as o')
          .whereColumn('o.merchant_id', 'm.merchant_id')
          .where('o.role', 'owner')
          .whereNotIn('o.user_id', userIds)
      )
      .orderBy('mer.slug')
      .select('mer.slug')
    if (rows.length === 0) return
    throw new OnlyOwnerException(
      `This account is the only owner of ${rows.map((r) => r.slug).join(', ')}: ` +
        'transfer ownership to another member first (POST /api/v1/tenancy/team/transfer-ownership), ' +
        'then erase the account'
    )
  }
}

export const teamMembers = new TeamMembers()
