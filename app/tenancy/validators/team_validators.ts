import vine from '@vinejs/vine'
import { STAFF_ROLES } from '#tenancy/types'
import { INVITABLE_ROLES } from '#tenancy/services/team_invitations'

export const inviteValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().maxLength(254),
    role: vine.enum(INVITABLE_ROLES),
  })
)

export const roleChangeValidator = vine.compile(vine.object({ role: vine.enum(STAFF_ROLES) }))

export const transferOwnershipValidator = vine.compile(
  vine.object({ user: vine.string().trim().uuid() })
)

/** A token we issued is 43 base64url characters; anything far from that is not one. */
const invitationToken = () =>
  vine
    .string()
    .trim()
    .minLength(20)
    .maxLength(200)
    .regex(/^[A-Za-z0-9_-]+$/)

export const invitationPreviewValidator = vine.compile(vine.object({ token: invitationToken() }))

export const acceptInvitationValidator = vine.compile(
  vine.object({
    token: invitationToken(),
    // Needed only to create an account (same rules as an owner's at onboarding).
    password: vine.string().minLength(10).maxLength(200).optional(),
    full_name: vine.string().trim().minLength(1).maxLength(200).optional(),
  })
)
