import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { accountMail } from '#tenancy/services/account_mail'
import { assertAcceptablePassword } from '#tenancy/services/password_policy'
import { isUuid } from '#core/database/uuid'
import { ConflictException, ValidationException } from '#core/exceptions/http_errors'
import { RoleRequiredException } from '#tenancy/exceptions'
import {
  AlreadyMemberException,
  InvitationExpiredException,
  InvitationForAnotherAccountException,
  InvitationInvalidException,
  InvitationNotFoundException,
  InvitationRevokedException,
  InvitationUsedException,
  SignInToAcceptException,
  TooManyInvitationsException,
} from '#tenancy/team_exceptions'
import type { TeamEvent, TeamEventName } from '#tenancy/events'
import type { StaffRole } from '#tenancy/types'
import { hashAccountToken, newAccountToken } from '#tenancy/services/account_tokens'

export const INVITATION_TTL_DAYS = 7
/** Open invitations a merchant may have at once (each one mails an address the merchant chose). */
export const MAX_OPEN_INVITATIONS = 50
export const INVITABLE_ROLES = ['manager', 'staff'] as const
export type InvitableRole = (typeof INVITABLE_ROLES)[number]

type InvitationRow = {
  id: string
  merchant_id: string
  email: string
  role: InvitableRole
  invited_by: string | null
  expires_at: Date
  accepted_at: Date | null
  accepted_by: string | null
  revoked_at: Date | null
  created_at: Date
}

export type Inviter = { userId: string; role: StaffRole }
/** The caller of the accept route when signed in: their account, as their token says. */
export type SignedIn = { userId: string; email: string }

const PUBLIC_COLUMNS = ['id', 'email', 'role', 'invited_by', 'expires_at', 'created_at']

function present(
  row: Pick<InvitationRow, 'id' | 'email' | 'role' | 'invited_by' | 'expires_at' | 'created_at'>
) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invited_by,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  }
}

/** Emits a team event for the audit trail; an audit failure is logged, never the caller's failure. */
export async function emitTeamEvent(name: TeamEventName, event: TeamEvent) {
  await emitter.emit(name, event).catch((error) => {
    logger.error({ err: error, event: name }, 'team event not recorded')
  })
}

/**
 * Invitations to a merchant's team. The link carries a random token; only its SHA-256 is stored, so
 * the table cannot be used to accept an invitation. An invitation is single use (accepted, or revoked
 * by a new invitation to the same address or by an owner) and expires after 7 days. The mail is written
 * in the same control transaction as the invitation (app/tenancy/services/account_mail.ts).
 *
 * Owners invite managers and staff; managers invite staff only (and revoke only staff invitations).
 */
export class TeamInvitations {
  async invite(
    merchant: { id: string; name: string },
    inviter: Inviter,
    input: { email: string; role: InvitableRole }
  ) {
    if (inviter.role !== 'owner' && (inviter.role !== 'manager' || input.role !== 'staff'))
      throw new RoleRequiredException('Managers can invite staff only; owners invite managers too')
    const email = input.email.trim().toLowerCase()
    const token = newAccountToken()
    const row = await db
      .connection('control')
      .transaction(async (trx) => {
        const member = await trx
          .from('memberships as m')
          .join('users as u', 'u.id', 'm.user_id')
          .where('m.merchant_id', merchant.id)
          .whereRaw('lower(u.email) = ?', [email])
          .select('m.id')
          .first()
        if (member) throw new AlreadyMemberException()
        // Inviting the same address again replaces its open invitation (the old link stops working).
        await trx
          .from('team_invitations')
          .where('merchant_id', merchant.id)
          .whereRaw('lower(email) = ?', [email])
          .whereNull('accepted_at')
          .whereNull('revoked_at')
          .update({ revoked_at: new Date() })
        const open = await trx
          .from('team_invitations')
          .where('merchant_id', merchant.id)
          .whereNull('accepted_at')
          .whereNull('revoked_at')
          .where('expires_at', '>', new Date())
          .count('* as total')
          .first()
        if (Number(open?.total ?? 0) >= MAX_OPEN_INVITATIONS)
          throw new TooManyInvitationsException()
        const [inserted] = await trx
          .table('team_invitations')
          .insert({
            merchant_id: merchant.id,
            email,
            role: input.role,
            token_hash: hashAccountToken(token),
            invited_by: inviter.userId,
            expires_at: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
          })
          .returning(PUBLIC_COLUMNS)
        const existing = await trx
          .from('users')
          .whereRaw('lower(email) = ?', [email])
          .select('id')
          .first()
        await accountMail.queue(trx, {
          kind: 'invitation',
          to: email,
          userId: existing?.id ?? null,
          subject: `You are invited to join ${merchant.name} on GUDBRO`,
          text: [
            `You are invited to join ${merchant.name} on GUDBRO as ${input.role === 'manager' ? 'a manager' : 'staff'}.`,
            '',
            `Accept the invitation (the link works once, within ${INVITATION_TTL_DAYS} days):`,
            accountMail.link('/admin/accept-invitation', token),
            '',
            'If you did not expect this mail, you can ignore it.',
          ].join('\n'),
        })
        return inserted as InvitationRow
      })
      .catch((error) => {
        // Two invitations to the same address at once: the other one won.
        if (error?.code === '23505') throw new ConflictException('This address was just invited')
        throw error
      })
    await emitTeamEvent('team.invitation_created', {
      merchantId: merchant.id,
      actorId: inviter.userId,
      subjectId: row.id,
      details: { role: row.role },
    })
    return present(row)
  }

  /** Open invitations (neither accepted, revoked nor expired), newest first. */
  async pending(merchantId: string) {
    const rows = await db
      .connection('control')
      .from('team_invitations')
      .where('merchant_id', merchantId)
      .whereNull('accepted_at')
      .whereNull('revoked_at')
      .where('expires_at', '>', new Date())
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .select(PUBLIC_COLUMNS)
    return rows.map(present)
  }

  async revoke(merchantId: string, id: string, actor: Inviter) {
    if (!isUuid(id)) throw new InvitationNotFoundException()
    const row: InvitationRow | null = await db.connection('control').transaction(async (trx) => {
      const found = await trx
        .from('team_invitations')
        .where({ id, merchant_id: merchantId })
        .whereNull('accepted_at')
        .whereNull('revoked_at')
        .forUpdate()
        .first()
      if (!found) return null
      if (actor.role !== 'owner' && found.role !== 'staff')
        throw new RoleRequiredException('Managers can revoke staff invitations only')
      await trx.from('team_invitations').where('id', id).update({ revoked_at: new Date() })
      return found
    })
    if (!row) throw new InvitationNotFoundException()
    await emitTeamEvent('team.invitation_revoked', {
      merchantId,
      actorId: actor.userId,
      subjectId: id,
      details: { role: row.role },
    })
  }

  /** What the accept page shows: the merchant, the role, the invited address (the link's holder knows it). */
  async preview(token: string) {
    const row = await this.#usable(db.connection('control'), token, false)
    const merchant = await db
      .connection('control')
      .from('merchants')
      .where('id', row.merchant_id)
      .select('name', 'slug')
      .first()
    const account = await User.findByEmail(row.email)
    return {
      merchant: { name: merchant.name, slug: merchant.slug },
      role: row.role,
      email: row.email,
      expiresAt: row.expires_at,
      accountExists: Boolean(account),
    }
  }

  /**
   * Accepts: a signed-in caller joins with their account (its address must be the invited one); an
   * address without an account gets one (the mail proved the mailbox); an address with an account
   * must sign in first.
   */
  async accept(
    input: { token: string; password?: string; fullName?: string },
    signedIn: SignedIn | null
  ) {
    const result = await db
      .connection('control')
      .transaction(async (trx) => {
        const row = await this.#usable(trx, input.token, true)
        let userId: string
        let created = false
        if (signedIn) {
          if (signedIn.email.toLowerCase() !== row.email.toLowerCase())
            throw new InvitationForAnotherAccountException()
          userId = signedIn.userId
        } else {
          const existing = await trx
            .from('users')
            .whereRaw('lower(email) = ?', [row.email.toLowerCase()])
            .select('id')
            .first()
          if (existing) throw new SignInToAcceptException()
          if (!input.password || !input.fullName)
            throw new ValidationException(
              'Choose a password and give your name to create your account',
              { field: input.password ? 'full_name' : 'password' }
            )
          assertAcceptablePassword(input.password, [row.email, input.fullName])
          // Accepting from the mailed link proves the mailbox: the address counts as verified.
          const user = await User.create(
            {
              email: row.email,
              password: input.password,
              fullName: input.fullName,
              emailVerifiedAt: DateTime.now(),
            },
            { client: trx }
          )
          userId = user.id
          created = true
        }
        const member = await trx
          .from('memberships')
          .where({ merchant_id: row.merchant_id, user_id: userId })
          .select('id')
          .first()
        if (member) throw new AlreadyMemberException('You are already a member of this merchant')
        await Membership.create(
          { userId, merchantId: row.merchant_id, role: row.role },
          { client: trx }
        )
        await trx
          .from('team_invitations')
          .where('id', row.id)
          .update({ accepted_at: new Date(), accepted_by: userId })
        const merchant = await trx
          .from('merchants')
          .where('id', row.merchant_id)
          .select('id', 'name', 'slug')
          .first()
        return { row, userId, created, merchant }
      })
      .catch((error) => {
        // The account or the membership was created by a concurrent request.
        if (error?.code === '23505') throw new ConflictException('Accepted by another request')
        throw error
      })
    await emitTeamEvent('team.invitation_accepted', {
      merchantId: result.row.merchant_id,
      actorId: result.userId,
      subjectId: result.row.id,
      details: { role: result.row.role, user_id: result.userId, account_created: result.created },
    })
    return {
      merchant: result.merchant as { id: string; name: string; slug: string },
      role: result.row.role,
      email: result.row.email,
      accountCreated: result.created,
    }
  }

  /** The invitation a token names, if it can still be accepted (locked when `lock`), else why not. */
  async #usable(
    client: TransactionClientContract | ReturnType<typeof db.connection>,
    token: string,
    lock: boolean
  ): Promise<InvitationRow> {
    const query = client.from('team_invitations').where('token_hash', hashAccountToken(token))
    if (lock) query.forUpdate()
    const row: InvitationRow | null = await query.first()
    if (!row) throw new InvitationInvalidException()
    if (row.accepted_at) throw new InvitationUsedException()
    if (row.revoked_at) throw new InvitationRevokedException()
    if (row.expires_at.getTime() <= Date.now()) throw new InvitationExpiredException()
    return row
  }
}

export const teamInvitations = new TeamInvitations()
