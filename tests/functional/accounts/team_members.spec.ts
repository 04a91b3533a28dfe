import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { TEST_PASSWORD, addMember, createMerchantWithToken, login } from '#tests/support/merchants'
import { supportToken } from '../compliance/helpers.js'
import { expectStatus } from '#tests/support/http'
import { errorCode } from './team_helpers.js'

const members = '/api/v1/tenancy/team/members'

async function roleOf(merchantId: string, userId: string) {
  const row = await Membership.query().where({ merchant_id: merchantId, user_id: userId }).first()
  return row?.role ?? null
}

async function ownerId(email: string) {
  const user = await User.findByEmail(email)
  return user!.id
}

test.group('Team members', () => {
  test('owners list members, change roles and remove them; the change is audited', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const manager = await addMember(client, shop.merchant.id, 'manager')
    const staff = await addMember(client, shop.merchant.id, 'staff')

    const listed = await client.get(members).bearerToken(shop.token)
    listed.assertStatus(200)
    const rows = listed.body().data
    assert.deepEqual(
      rows.map((m: any) => [m.email, m.role]),
      [
        [shop.email, 'owner'],
        [manager.email, 'manager'],
        [staff.email, 'staff'],
      ]
    )
    assert.properties(rows[1], ['user_id', 'full_name', 'email', 'role', 'joined_at'])
    await expectStatus(client.get(members).bearerToken(manager.token), 200)
    await expectStatus(client.get(members).bearerToken(staff.token), 403)

    const promoted = await client
      .patch(`${members}/${staff.user.id}`)
      .bearerToken(shop.token)
      .json({ role: 'manager' })
    promoted.assertStatus(200)
    assert.deepEqual(promoted.body().data, {
      user_id: staff.user.id,
      role: 'manager',
      previous_role: 'staff',
    })
    assert.equal(await roleOf(shop.merchant.id, staff.user.id), 'manager')
    // The promoted member's token carries the new role at once (no cached old role).
    const me = await client.get('/api/v1/auth/me').bearerToken(staff.token)
    assert.equal(me.body().merchant.role, 'manager')

    const managerPatches = await client
      .patch(`${members}/${staff.user.id}`)
      .bearerToken(manager.token)
      .json({ role: 'staff' })
    managerPatches.assertStatus(403)
    assert.equal(errorCode(managerPatches), 'E_ROLE_REQUIRED')
    const managerRemoves = await client
      .delete(`${members}/${staff.user.id}`)
      .bearerToken(manager.token)
    managerRemoves.assertStatus(403)

    const removed = await client.delete(`${members}/${staff.user.id}`).bearerToken(shop.token)
    removed.assertStatus(204)
    assert.isNull(await roleOf(shop.merchant.id, staff.user.id))
    const refused = await client.get('/api/v1/tenancy/locations').bearerToken(staff.token)
    assert.include([401, 403], refused.status())

    const audit = await db
      .connection('control')
      .from('audit_log')
      .where({ merchant_id: shop.merchant.id })
      .whereIn('action', ['team.member_role_changed', 'team.member_removed'])
      .select('action', 'resource_id', 'new_values')
    assert.sameMembers(
      audit.map((a) => a.action),
      ['team.member_role_changed', 'team.member_removed']
    )
    assert.isTrue(audit.every((a) => a.resource_id === staff.user.id))
  })

  test('a demoted member loses the old role at once, even with the token cached', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const manager = await addMember(client, shop.merchant.id, 'manager')
    const create = () =>
      client
        .post('/api/v1/tenancy/locations')
        .bearerToken(manager.token)
        .json({ name: `Site ${randomUUID().slice(0, 6)}` })
    await expectStatus(create(), 201)
    await expectStatus(create(), 201)
    await expectStatus(
      client.patch(`${members}/${manager.user.id}`).bearerToken(shop.token).json({ role: 'staff' }),
      200
    )
    const after = await create()
    after.assertStatus(403)
    assert.equal(errorCode(after), 'E_ROLE_REQUIRED')
    // Still a member: the token itself stays valid with the new role.
    await expectStatus(client.get('/api/v1/tenancy/locations').bearerToken(manager.token), 200)
  })

  test('any member may leave; the last owner can neither leave, be removed nor be demoted', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const staff = await addMember(client, shop.merchant.id, 'staff')
    const owner = await ownerId(shop.email)

    const leaves = await client.delete(`${members}/${staff.user.id}`).bearerToken(staff.token)
    leaves.assertStatus(204)
    assert.isNull(await roleOf(shop.merchant.id, staff.user.id))

    for (const request of [
      client.delete(`${members}/${owner}`).bearerToken(shop.token),
      client.patch(`${members}/${owner}`).bearerToken(shop.token).json({ role: 'manager' }),
    ]) {
      const response = await request
      response.assertStatus(409)
      assert.equal(errorCode(response), 'E_LAST_OWNER')
    }
    assert.equal(await roleOf(shop.merchant.id, owner), 'owner')

    // Support's removal goes through the same rule.
    const support = await supportToken(client)
    const bySupport = await client
      .delete(`/api/v1/admin/merchants/${shop.slug}/members/${owner}`)
      .bearerToken(support.token)
      .json({ reason: 'asked to leave' })
    bySupport.assertStatus(409)
    assert.equal(errorCode(bySupport), 'E_LAST_OWNER')

    // The database refuses it too, whatever path a change takes.
    await assert.rejects(
      () =>
        db
          .connection('control')
          .from('memberships')
          .where({ merchant_id: shop.merchant.id, user_id: owner })
          .update({ role: 'staff' }),
      /without an owner/
    )
    await assert.rejects(
      () =>
        db
          .connection('control')
          .from('memberships')
          .where({ merchant_id: shop.merchant.id, user_id: owner })
          .delete(),
      /without an owner/
    )
    assert.equal(await roleOf(shop.merchant.id, owner), 'owner')
  })

  test('two owners demoting each other at the same time cannot leave the merchant without an owner', async ({
    client,
    assert,
  }) => {
    for (let round = 0; round < 3; round++) {
      const shop = await createMerchantWithToken()
      const second = await addMember(client, shop.merchant.id, 'owner')
      const first = await ownerId(shop.email)
      const answers = await Promise.all([
        client
          .patch(`${members}/${second.user.id}`)
          .bearerToken(shop.token)
          .json({ role: 'staff' }),
        client.patch(`${members}/${first}`).bearerToken(second.token).json({ role: 'staff' }),
      ])
      const statuses = answers.map((a) => a.status()).sort()
      assert.equal(statuses[0], 200, JSON.stringify(answers.map((a) => a.body())))
      assert.include([403, 409], statuses[1])
      const owners = await Membership.query().where({
        merchant_id: shop.merchant.id,
        role: 'owner',
      })
      assert.lengthOf(owners, 1)
    }
  })

  test('the database guard serialises two transactions that each demote a different owner', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const second = await addMember(client, shop.merchant.id, 'owner')
    const first = await ownerId(shop.email)
    const control = db.connection('control')
    const a = await control.transaction()
    const b = await control.transaction()
    try {
      await a
        .from('memberships')
        .where({ merchant_id: shop.merchant.id, user_id: first })
        .update({ role: 'manager' })
      // b waits for a's lock on the merchant; once a commits, b counts no owner left and fails.
      const demoteSecond = b
        .from('memberships')
        .where({ merchant_id: shop.merchant.id, user_id: second.user.id })
        .update({ role: 'manager' })
        .then(
          () => 'updated',
          (error: Error) => error.message
        )
      await new Promise((resolve) => setTimeout(resolve, 100))
      await a.commit()
      assert.match(await demoteSecond, /without an owner/)
    } finally {
      if (!a.isCompleted) await a.rollback()
      if (!b.isCompleted) await b.rollback()
    }
    const owners = await Membership.query().where({ merchant_id: shop.merchant.id, role: 'owner' })
    assert.deepEqual(
      owners.map((o) => o.userId),
      [second.user.id]
    )
  })

  test('transfer ownership: the member becomes owner, the caller a manager, in one step', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const manager = await addMember(client, shop.merchant.id, 'manager')
    const owner = await ownerId(shop.email)
    const outsider = await createMerchantWithToken()
    const transfer = (token: string, body: object) =>
      client.post('/api/v1/tenancy/team/transfer-ownership').bearerToken(token).json(body)

    const byManager = await transfer(manager.token, { user: owner })
    byManager.assertStatus(403)
    const toSelf = await transfer(shop.token, { user: owner })
    toSelf.assertStatus(422)
    for (const body of [{}, { user: 'nope' }]) {
      const bad = await transfer(shop.token, body)
      bad.assertStatus(422)
      assert.equal(errorCode(bad), 'E_VALIDATION')
    }
    const notMember = await transfer(shop.token, { user: await ownerId(outsider.email) })
    notMember.assertStatus(404)
    assert.equal(errorCode(notMember), 'E_MEMBERSHIP_NOT_FOUND')

    const done = await transfer(shop.token, { user: manager.user.id })
    done.assertStatus(200)
    assert.equal(await roleOf(shop.merchant.id, manager.user.id), 'owner')
    assert.equal(await roleOf(shop.merchant.id, owner), 'manager')
    // The former owner's token now speaks as a manager, the new owner's as an owner.
    const formerMe = await client.get('/api/v1/auth/me').bearerToken(shop.token)
    assert.equal(formerMe.body().merchant.role, 'manager')
    const again = await transfer(shop.token, { user: manager.user.id })
    again.assertStatus(403)
    const newOwnerDemotes = await client
      .patch(`${members}/${owner}`)
      .bearerToken(manager.token)
      .json({ role: 'staff' })
    newOwnerDemotes.assertStatus(200)

    const audit = await db
      .connection('control')
      .from('audit_log')
      .where({ merchant_id: shop.merchant.id, action: 'team.ownership_transferred' })
      .first()
    assert.equal(audit.resource_id, manager.user.id)
  })

  test("another merchant's members are 404; bad ids and roles are 4xx with codes", async ({
    client,
    assert,
  }) => {
    const ours = await createMerchantWithToken()
    const theirs = await createMerchantWithToken()
    const theirStaff = await addMember(client, theirs.merchant.id, 'staff')
    const listed = await client.get(members).bearerToken(ours.token)
    assert.notInclude(
      listed.body().data.map((m: any) => m.user_id),
      theirStaff.user.id
    )
    for (const id of [theirStaff.user.id, await ownerId(theirs.email), randomUUID(), 'x1']) {
      const patch = await client
        .patch(`${members}/${id}`)
        .bearerToken(ours.token)
        .json({ role: 'manager' })
      patch.assertStatus(404)
      assert.equal(errorCode(patch), 'E_MEMBERSHIP_NOT_FOUND')
      const remove = await client.delete(`${members}/${id}`).bearerToken(ours.token)
      remove.assertStatus(404)
    }
    assert.equal(await roleOf(theirs.merchant.id, theirStaff.user.id), 'staff')
    const ownerSelf = await ownerId(ours.email)
    for (const body of [{}, { role: 'boss' }, { role: 7 }]) {
      const bad = await client.patch(`${members}/${ownerSelf}`).bearerToken(ours.token).json(body)
      bad.assertStatus(422)
      assert.equal(errorCode(bad), 'E_VALIDATION')
    }
  })

  test("GDPR erasure of a merchant's only owner is refused with what to do; after a transfer it goes through", async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken()
    const support = await supportToken(client)
    const erase = () =>
      client
        .post('/api/v1/admin/gdpr/erasures')
        .bearerToken(support.token)
        .json({ email: shop.email, reason: 'ticket #9: erasure' })
    const refused = await erase()
    refused.assertStatus(409)
    assert.equal(errorCode(refused), 'E_TRANSFER_OWNERSHIP_FIRST')
    assert.include(refused.body().errors[0].message, shop.slug)
    assert.include(refused.body().errors[0].message, 'transfer ownership')
    // Nothing was erased.
    const kept = await User.findByEmail(shop.email)
    assert.equal(kept!.email, shop.email)
    await login(client, shop.email, TEST_PASSWORD)

    const manager = await addMember(client, shop.merchant.id, 'manager')
    await expectStatus(
      client
        .post('/api/v1/tenancy/team/transfer-ownership')
        .bearerToken(shop.token)
        .json({ user: manager.user.id }),
      200
    )
    const erased = await erase()
    erased.assertStatus(201)
  })
})
