import { createHash, randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#tenancy/models/user'
import { randomClientIp } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'
import { TEST_PASSWORD, addMember, createMerchantWithToken, login } from '#tests/support/merchants'
import {
  accept,
  errorCode,
  invitationTokenFromMail,
  invite,
  smtpStandIn,
  type Smtp,
} from './team_helpers.js'

const newAddress = (tag = 'barista') => `${tag}-${randomUUID().slice(0, 8)}@Mail.test`
async function ownerIdOf(email: string) {
  const user = await User.findByEmail(email)
  return user!.id
}

const NEW_PASSWORD = 'a-long-new-password-7'

test.group('Team invitations', (group) => {
  let smtp: Smtp
  group.each.setup(async () => {
    smtp = await smtpStandIn()
    return () => smtp.close()
  })

  test('invite, the mail carries the link, accept with a new account, sign in, use a staff route', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const email = newAddress()
    const sent = await invite(client, shop.token, { email, role: 'staff' })
    sent.assertStatus(201)
    const invitation = sent.body().data
    assert.equal(invitation.email, email.toLowerCase())
    assert.equal(invitation.role, 'staff')
    assert.notProperty(invitation, 'token')
    assert.notProperty(invitation, 'token_hash')

    const token = await invitationTokenFromMail(smtp, email)
    const row = await db
      .connection('control')
      .from('team_invitations')
      .where('id', invitation.id)
      .first()
    assert.equal(row.token_hash, createHash('sha256').update(token).digest('hex'))
    assert.notInclude(JSON.stringify(row), token, 'only the hash is stored')
    const days = (row.expires_at.getTime() - row.created_at.getTime()) / 86_400_000
    assert.closeTo(days, 7, 0.01)

    const pending = await client.get('/api/v1/tenancy/team/invitations').bearerToken(shop.token)
    pending.assertStatus(200)
    assert.deepEqual(
      pending.body().data.map((i: any) => i.id),
      [invitation.id]
    )

    const preview = await client
      .post('/api/v1/auth/invitations/preview')
      .header('X-Forwarded-For', randomClientIp())
      .json({ token })
    preview.assertStatus(200)
    assert.equal(preview.body().data.merchant.name, `Merchant ${shop.slug}`)
    assert.equal(preview.body().data.role, 'staff')
    assert.isFalse(preview.body().data.account_exists)

    const noPassword = await accept(client, { token, full_name: 'Bea Barista' })
    noPassword.assertStatus(422)
    const weak = await accept(client, { token, password: 'password12', full_name: 'Bea Barista' })
    weak.assertStatus(422)
    assert.equal(weak.body().errors[0].code, 'E_WEAK_PASSWORD')
    const accepted = await accept(client, {
      token,
      password: NEW_PASSWORD,
      full_name: 'Bea Barista',
    })
    accepted.assertStatus(200)
    assert.equal(accepted.body().data.merchant.id, shop.merchant.id)
    assert.isTrue(accepted.body().data.account_created)
    const user = await User.findByEmail(email)
    assert.equal(user!.fullName, 'Bea Barista')
    assert.isNotNull(user!.emailVerifiedAt, 'accepting from the mailed link verifies the address')

    const memberToken = await login(client, email, NEW_PASSWORD)
    const locations = await client.get('/api/v1/tenancy/locations').bearerToken(memberToken)
    locations.assertStatus(200)
    const me = await client.get('/api/v1/auth/me').bearerToken(memberToken)
    assert.equal(me.body().merchant.role, 'staff')

    const again = await accept(client, { token, password: NEW_PASSWORD, full_name: 'Again' })
    again.assertStatus(410)
    assert.equal(errorCode(again), 'E_INVITATION_USED')
    const gone = await client.get('/api/v1/tenancy/team/invitations').bearerToken(shop.token)
    assert.lengthOf(gone.body().data, 0)

    const audit = await db
      .connection('control')
      .from('audit_log')
      .where('merchant_id', shop.merchant.id)
      .whereIn('action', ['team.invitation_created', 'team.invitation_accepted'])
      .select('action', 'actor_id', 'resource_id', 'new_values')
    assert.sameMembers(
      audit.map((a) => a.action),
      ['team.invitation_created', 'team.invitation_accepted']
    )
    const created = audit.find((a) => a.action === 'team.invitation_created')
    assert.equal(created.resource_id, invitation.id)
    assert.equal(created.actor_id, await ownerIdOf(shop.email))
    const joined = audit.find((a) => a.action === 'team.invitation_accepted')
    // Accepted without an account yet: the request has no actor; the entry names who joined.
    assert.equal(joined.new_values.user_id, user!.id)
    assert.isTrue(joined.new_values.account_created)
  })

  test('an existing account accepts while signed in; not signed in it is told to sign in; another account is refused', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const elsewhere = await createMerchantWithToken()
    // Someone who already works for another shop.
    const existing = await addMember(client, elsewhere.merchant.id, 'staff')
    const stranger = await addMember(client, elsewhere.merchant.id, 'staff')
    await expectStatus(
      invite(client, shop.token, { email: existing.email.toUpperCase(), role: 'manager' }),
      201
    )
    const token = await invitationTokenFromMail(smtp, existing.email)

    const preview = await client
      .post('/api/v1/auth/invitations/preview')
      .header('X-Forwarded-For', randomClientIp())
      .json({ token })
    assert.isTrue(preview.body().data.account_exists)

    const anonymous = await accept(client, { token, password: NEW_PASSWORD, full_name: 'X' })
    anonymous.assertStatus(409)
    assert.equal(errorCode(anonymous), 'E_SIGN_IN_TO_ACCEPT')

    const wrong = await accept(client, { token }, stranger.token)
    wrong.assertStatus(403)
    assert.equal(errorCode(wrong), 'E_INVITATION_FOR_ANOTHER_ACCOUNT')

    const accepted = await accept(client, { token }, existing.token)
    accepted.assertStatus(200)
    assert.isFalse(accepted.body().data.account_created)
    assert.equal(accepted.body().data.role, 'manager')

    const here = await login(client, existing.email, TEST_PASSWORD, shop.slug)
    const me = await client.get('/api/v1/auth/me').bearerToken(here)
    assert.equal(me.body().merchant.id, shop.merchant.id)
    assert.equal(me.body().merchant.role, 'manager')
  })

  test('revoked, replaced and expired invitations cannot be accepted; unknown links are refused', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const email = newAddress('revoked')
    const first = await invite(client, shop.token, { email, role: 'staff' })
    first.assertStatus(201)
    const firstToken = await invitationTokenFromMail(smtp, email)
    // Inviting the same address again replaces the open invitation.
    const second = await invite(client, shop.token, { email, role: 'manager' })
    second.assertStatus(201)
    const secondToken = await invitationTokenFromMail(smtp, email)
    assert.notEqual(firstToken, secondToken)
    const replaced = await accept(client, {
      token: firstToken,
      password: NEW_PASSWORD,
      full_name: 'R',
    })
    replaced.assertStatus(410)
    assert.equal(errorCode(replaced), 'E_INVITATION_REVOKED')
    const pending = await client.get('/api/v1/tenancy/team/invitations').bearerToken(shop.token)
    assert.deepEqual(
      pending.body().data.map((i: any) => [i.id, i.role]),
      [[second.body().data.id, 'manager']]
    )

    const revoke = await client
      .delete(`/api/v1/tenancy/team/invitations/${second.body().data.id}`)
      .bearerToken(shop.token)
    revoke.assertStatus(204)
    const revoked = await accept(client, {
      token: secondToken,
      password: NEW_PASSWORD,
      full_name: 'R',
    })
    revoked.assertStatus(410)
    assert.equal(errorCode(revoked), 'E_INVITATION_REVOKED')
    const twice = await client
      .delete(`/api/v1/tenancy/team/invitations/${second.body().data.id}`)
      .bearerToken(shop.token)
    twice.assertStatus(404)
    assert.equal(errorCode(twice), 'E_INVITATION_NOT_FOUND')

    const late = newAddress('late')
    const third = await invite(client, shop.token, { email: late, role: 'staff' })
    const lateToken = await invitationTokenFromMail(smtp, late)
    await db
      .connection('control')
      .from('team_invitations')
      .where('id', third.body().data.id)
      .update({ expires_at: new Date(Date.now() - 1000) })
    const expired = await accept(client, {
      token: lateToken,
      password: NEW_PASSWORD,
      full_name: 'L',
    })
    expired.assertStatus(410)
    assert.equal(errorCode(expired), 'E_INVITATION_EXPIRED')
    const expiredPreview = await client
      .post('/api/v1/auth/invitations/preview')
      .header('X-Forwarded-For', randomClientIp())
      .json({ token: lateToken })
    assert.equal(errorCode(expiredPreview), 'E_INVITATION_EXPIRED')
    assert.isNull(await User.findByEmail(late), 'no account from an expired invitation')

    const unknown = await accept(client, {
      token: 'x'.repeat(43),
      password: NEW_PASSWORD,
      full_name: 'U',
    })
    unknown.assertStatus(404)
    assert.equal(errorCode(unknown), 'E_INVITATION_INVALID')
    for (const body of [{}, { token: 'short' }, { token: 'a b c d e f g h i j k l m n o p q' }]) {
      const bad = await accept(client, body)
      bad.assertStatus(422)
      assert.equal(errorCode(bad), 'E_VALIDATION')
    }
    const badPreview = await client
      .post('/api/v1/auth/invitations/preview')
      .header('X-Forwarded-For', randomClientIp())
    badPreview.assertStatus(422)
  })

  test('who may invite: owners anyone, managers staff only, staff nobody; members and bad input refused with codes', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const manager = await addMember(client, shop.merchant.id, 'manager')
    const staff = await addMember(client, shop.merchant.id, 'staff')

    await expectStatus(invite(client, manager.token, { email: newAddress(), role: 'staff' }), 201)
    const managerInvitesManager = await invite(client, manager.token, {
      email: newAddress(),
      role: 'manager',
    })
    managerInvitesManager.assertStatus(403)
    assert.equal(errorCode(managerInvitesManager), 'E_ROLE_REQUIRED')
    const staffInvites = await invite(client, staff.token, { email: newAddress(), role: 'staff' })
    staffInvites.assertStatus(403)
    const staffLists = await client.get('/api/v1/tenancy/team/invitations').bearerToken(staff.token)
    staffLists.assertStatus(403)

    const member = await invite(client, shop.token, { email: staff.email, role: 'manager' })
    member.assertStatus(409)
    assert.equal(errorCode(member), 'E_ALREADY_MEMBER')
    const owner = await invite(client, shop.token, {
      email: shop.email.toUpperCase(),
      role: 'staff',
    })
    assert.equal(errorCode(owner), 'E_ALREADY_MEMBER')

    for (const body of [
      {},
      { email: 'not-an-address', role: 'staff' },
      { email: newAddress(), role: 'owner' },
      { email: newAddress(), role: 'chef' },
      { email: `${'x'.repeat(260)}@mail.test`, role: 'staff' },
    ]) {
      const bad = await invite(client, shop.token, body)
      bad.assertStatus(422)
      assert.equal(errorCode(bad), 'E_VALIDATION')
    }
    const anonymous = await client.post('/api/v1/tenancy/team/invitations').json({
      email: newAddress(),
      role: 'staff',
    })
    assert.include([400, 401], anonymous.status())
  })

  test("an unverified shop cannot invite; a removed or demoted manager's open invitations stop working", async ({
    client,
    assert,
  }) => {
    const slug = `u-${randomUUID().slice(0, 8)}`
    const signedUp = await client
      .post('/api/v1/auth/sign-up')
      .header('X-Forwarded-For', randomClientIp())
      .json({
        email: `owner@${slug}.test`,
        password: NEW_PASSWORD,
        full_name: 'Una Owner',
        merchant: { name: `Una ${slug}`, slug, vertical: 'coffeeshop', timezone: 'Europe/Rome' },
      })
    signedUp.assertStatus(201)
    const early = await invite(client, signedUp.body().token, {
      email: newAddress(),
      role: 'staff',
    })
    early.assertStatus(409)
    assert.equal(errorCode(early), 'E_VERIFY_EMAIL_FIRST')

    const shop = await createMerchantWithToken()
    const removed = await addMember(client, shop.merchant.id, 'manager')
    const demoted = await addMember(client, shop.merchant.id, 'manager')
    const kept = await addMember(client, shop.merchant.id, 'manager')
    const [toRemoved, toDemoted, toKept] = [newAddress('a'), newAddress('b'), newAddress('c')]
    await expectStatus(invite(client, removed.token, { email: toRemoved, role: 'staff' }), 201)
    await expectStatus(invite(client, demoted.token, { email: toDemoted, role: 'staff' }), 201)
    await expectStatus(invite(client, kept.token, { email: toKept, role: 'staff' }), 201)
    const tokens = await Promise.all(
      [toRemoved, toDemoted, toKept].map((to) => invitationTokenFromMail(smtp, to))
    )
    await expectStatus(
      client.delete(`/api/v1/tenancy/team/members/${removed.user.id}`).bearerToken(shop.token),
      204
    )
    await expectStatus(
      client
        .patch(`/api/v1/tenancy/team/members/${demoted.user.id}`)
        .bearerToken(shop.token)
        .json({ role: 'staff' }),
      200
    )
    for (const token of tokens.slice(0, 2)) {
      const refused = await accept(client, { token, password: NEW_PASSWORD, full_name: 'Eve' })
      refused.assertStatus(410)
      assert.equal(errorCode(refused), 'E_INVITATION_REVOKED')
    }
    const stillOpen = await accept(client, {
      token: tokens[2],
      password: NEW_PASSWORD,
      full_name: 'Cleo',
    })
    stillOpen.assertStatus(200)
  })

  test("another merchant's invitations are invisible and 404", async ({ client, assert }) => {
    const ours = await createMerchantWithToken()
    const theirs = await createMerchantWithToken()
    const sent = await invite(client, theirs.token, { email: newAddress(), role: 'staff' })
    sent.assertStatus(201)
    const listed = await client.get('/api/v1/tenancy/team/invitations').bearerToken(ours.token)
    assert.notInclude(
      listed.body().data.map((i: any) => i.id),
      sent.body().data.id
    )
    for (const id of [sent.body().data.id, randomUUID(), 'not-a-uuid']) {
      const revoke = await client
        .delete(`/api/v1/tenancy/team/invitations/${id}`)
        .bearerToken(ours.token)
      revoke.assertStatus(404)
      assert.equal(errorCode(revoke), 'E_INVITATION_NOT_FOUND')
    }
    const row = await db
      .connection('control')
      .from('team_invitations')
      .where('id', sent.body().data.id)
      .first()
    assert.isNull(row.revoked_at)
  })
})
