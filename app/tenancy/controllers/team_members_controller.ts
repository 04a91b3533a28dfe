import type { HttpContext } from '@adonisjs/core/http'
import { teamMembers } from '#tenancy/services/team_members'
import {
  roleChangeValidator,
  transferOwnershipValidator,
} from '#tenancy/validators/team_validators'
import { MembershipNotFoundException } from '#tenancy/exceptions'
import { isUuid } from '#core/database/uuid'

/** The merchant's team as its owners manage it (routes: app/tenancy/team_routes.ts). */
export default class TeamMembersController {
  async index({ tenant, response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return { data: await teamMembers.list(tenant!.merchantId) }
  }

  async update({ tenant, actor, params, request }: HttpContext) {
    const userId = memberId(params)
    const { role } = await request.validateUsing(roleChangeValidator)
    const change = await teamMembers.changeRole(
      tenant!.merchantId,
      { userId: actor!.userId, role: actor!.role! },
      userId,
      role
    )
    return { data: { userId, role: change.to, previousRole: change.from } }
  }

  async destroy({ tenant, actor, params, response }: HttpContext) {
    const userId = memberId(params)
    await teamMembers.remove(
      tenant!.merchantId,
      { userId: actor!.userId, role: actor!.role! },
      userId
    )
    return response.noContent()
  }

  async transferOwnership({ tenant, actor, request }: HttpContext) {
    const { user } = await request.validateUsing(transferOwnershipValidator)
    const changes = await teamMembers.transferOwnership(
      tenant!.merchantId,
      { userId: actor!.userId, role: actor!.role! },
      user
    )
    return { data: { changes } }
  }
}

function memberId(params: Record<string, unknown>) {
  const id = String(params.user ?? '')
  if (!isUuid(id)) throw new MembershipNotFoundException()
  return id.toLowerCase()
}
