import type { HttpContext } from '@adonisjs/core/http'
import { teamInvitations } from '#tenancy/services/team_invitations'
import {
  acceptInvitationValidator,
  invitationPreviewValidator,
  inviteValidator,
} from '#tenancy/validators/team_validators'
import { MerchantNotFoundException } from '#tenancy/exceptions'
import { VerifyEmailFirstException } from '#tenancy/team_exceptions'

/** Invitations: owners and managers send and revoke them; the invitee previews and accepts. */
export default class TeamInvitationsController {
  async index({ tenant, response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return { data: await teamInvitations.pending(tenant!.merchantId) }
  }

  async store({ merchant, actor, request, response }: HttpContext) {
    if (!merchant) throw new MerchantNotFoundException()
    // Until then the shop is anyone's: its invitations would be mail from us that nobody vouched for.
    if (!merchant.published) throw new VerifyEmailFirstException()
    const input = await request.validateUsing(inviteValidator)
    const invitation = await teamInvitations.invite(
      merchant,
      { userId: actor!.userId, role: actor!.role! },
      input
    )
    return response.created({ data: invitation })
  }

  async destroy({ tenant, actor, params, response }: HttpContext) {
    await teamInvitations.revoke(tenant!.merchantId, String(params.id ?? ''), {
      userId: actor!.userId,
      role: actor!.role!,
    })
    return response.noContent()
  }

  /** Public: the link's holder sees which merchant invites them, with which role. */
  async preview({ request, response }: HttpContext) {
    const { token } = await request.validateUsing(invitationPreviewValidator)
    response.header('Cache-Control', 'private, no-store')
    return { data: await teamInvitations.preview(token) }
  }

  /** Public (new account) or signed in (an existing account joins). */
  async accept({ actor, request, response }: HttpContext) {
    const input = await request.validateUsing(acceptInvitationValidator)
    response.header('Cache-Control', 'private, no-store')
    const accepted = await teamInvitations.accept(
      { token: input.token, password: input.password, fullName: input.full_name },
      actor ? { userId: actor.userId, email: actor.email } : null
    )
    return { data: accepted }
  }
}
