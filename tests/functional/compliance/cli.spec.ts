import { test } from '@japa/runner'
import { gudbro } from '#tests/support/child_process'
import { mkdtemp, readFile, stat, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { createMerchant, TEST_PASSWORD, merchantsOnTwoNodes } from '#tests/support/merchants'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { seedCustomerData, supportToken } from './helpers.js'
import { codeAt, resetLoopbackSignInLimit } from '#tests/support/second_factor'

const serverUrl = () => `http://${process.env.HOST}:${process.env.PORT}`

test.group('gudbro support CLI', (group) => {
  let dir: string
  group.each.setup(async () => {
    // The CLI signs in from this machine's address: a second factor doubles its sign-in requests.
    await resetLoopbackSignInLimit()
    dir = await mkdtemp(join(tmpdir(), 'gudbro-cli-'))
    return () => rm(dir, { recursive: true, force: true })
  })

  test('login, merchants list, modules enable, gdpr export and requests, end to end', async ({
    client,
    assert,
  }) => {
    const config = join(dir, 'config.json')
    const support = await supportToken(client)
    const { merchant } = await createMerchant({ tier: 'digital_menu' })

    const login = await gudbro(config, [
      '--json',
      'login',
      '--url',
      serverUrl(),
      '--email',
      support.email,
      '--password',
      TEST_PASSWORD,
      '--code',
      codeAt(support.secret),
    ])
    assert.equal(login.code, 0, login.stderr)
    assert.equal(JSON.parse(login.stdout).platform_role, 'support')
    assert.notInclude(login.stderr, 'does not have the support role')
    const configFile = await stat(config)
    assert.equal(configFile.mode & 0o777, 0o600)
    assert.equal(JSON.parse(await readFile(config, 'utf8')).email, support.email)

    const list = await gudbro(config, ['--json', 'merchants', 'list', '--per-page', '100'])
    assert.equal(list.code, 0, list.stderr)
    assert.isAbove(JSON.parse(list.stdout).meta.total, 0)
    const onePage = await gudbro(config, ['--json', 'merchants', 'list', '--per-page', '1'])
    const one = JSON.parse(onePage.stdout)
    assert.equal(one.meta.per_page, 1)
    assert.lengthOf(one.data, 1)
    assert.isNumber(one.data[0].shard_id)
    const table = await gudbro(config, ['merchants', 'list', '--per-page', '5'])
    assert.match(table.stdout, /^slug\s+name\s+vertical/)

    const enable = await gudbro(config, [
      '--json',
      'modules',
      'enable',
      merchant.slug,
      'notifications',
      '--reason',
      'trial',
    ])
    assert.equal(enable.code, 0, enable.stderr)
    assert.include(JSON.parse(enable.stdout).data.modules, 'notifications')
    const override = await db
      .connection('control')
      .from('merchant_module_overrides')
      .where({ merchant_id: merchant.id, module: 'notifications' })
      .first()
    assert.isTrue(override.enabled)
    assert.equal(override.updated_by, support.user.id)

    const [a, b] = await merchantsOnTwoNodes()
    const email = `cli-${randomUUID().slice(0, 8)}@example.test`
    await seedCustomerData(a.merchant.id, { email, name: 'Cli Customer' })
    await seedCustomerData(b.merchant.id, { email, name: 'Cli Customer' })
    const out = join(dir, 'export.json')
    const exported = await gudbro(config, [
      'gdpr',
      'export',
      '--email',
      email,
      '--reason',
      'ticket 9',
      '--out',
      out,
    ])
    assert.equal(exported.code, 0, exported.stderr)
    const exportFile = await stat(out)
    assert.equal(exportFile.mode & 0o777, 0o600)
    const document = JSON.parse(await readFile(out, 'utf8'))
    assert.lengthOf(document.data.notifications.conversations, 2)
    assert.notProperty(document, 'requestId')
    const audit = await db
      .connection('control')
      .from('audit_log')
      .where({ action: 'gdpr.export', resource_id: document.request_id })
      .first()
    assert.equal(audit.actor_id, support.user.id)
    assert.equal(audit.reason, 'ticket 9')

    const erased = await gudbro(config, [
      'gdpr',
      'erase',
      '--email',
      email,
      '--reason',
      'ticket 10',
      '--yes',
      '--json',
    ])
    assert.equal(erased.code, 0, erased.stderr)
    const receipt = JSON.parse(erased.stdout)
    assert.equal(receipt.status, 'anonymized')
    assert.equal(receipt.anonymized['notifications.conversations'], 2)
    assert.isString(receipt.legal_deadline)
    assert.isString(receipt.hard_delete_due_at)
    assert.equal(receipt.requested_via, 'api')

    const requests = await gudbro(config, ['--json', 'gdpr', 'requests', '--all'])
    assert.equal(requests.code, 0, requests.stderr)
    const listed = JSON.parse(requests.stdout).data
    assert.includeMembers(
      listed.map((r: any) => r.id),
      [document.request_id, receipt.id]
    )
    assert.equal(listed.find((r: any) => r.id === receipt.id).received_at, receipt.received_at)
    const open = await gudbro(config, ['gdpr', 'requests'])
    assert.include(open.stdout, receipt.id)
    assert.include(open.stdout, receipt.hard_delete_due_at)
    assert.notInclude(open.stdout, document.request_id)
  }).timeout(60_000)

  test('a non-support user is refused with 403 and a clear message', async ({ assert }) => {
    const config = join(dir, 'config.json')
    const owner = await createMerchant()
    const login = await gudbro(config, [
      'login',
      '--url',
      serverUrl(),
      '--email',
      owner.email,
      '--password',
      TEST_PASSWORD,
    ])
    assert.equal(login.code, 0, login.stderr)
    assert.include(login.stderr, 'does not have the support role')
    const list = await gudbro(config, ['merchants', 'list'])
    assert.equal(list.code, 4)
    assert.include(list.stderr, 'failed with 403')
    const exported = await gudbro(config, [
      'gdpr',
      'export',
      '--email',
      'x@y.test',
      '--reason',
      'curious',
    ])
    assert.equal(exported.code, 4)
    assert.equal(exported.stdout, '')
  }).timeout(60_000)

  test('clear errors: bad password, missing reason, not logged in, unreachable platform', async ({
    assert,
  }) => {
    const config = join(dir, 'config.json')
    const owner = await createMerchant()
    const bad = await gudbro(config, [
      'login',
      '--url',
      serverUrl(),
      '--email',
      owner.email,
      '--password',
      'wrong-password-9',
    ])
    assert.equal(bad.code, 3)
    assert.include(bad.stderr, 'failed with 401')
    const notLoggedIn = await gudbro(config, ['merchants', 'list'])
    assert.equal(notLoggedIn.code, 3)
    assert.include(notLoggedIn.stderr, 'Not logged in')
    const noReason = await gudbro(config, ['gdpr', 'erase', '--email', 'x@y.test', '--yes'])
    assert.equal(noReason.code, 2)
    assert.include(noReason.stderr, '--reason is required')
    const unknown = await gudbro(config, ['merchants', 'frobnicate'])
    assert.equal(unknown.code, 2)
    const unreachable = await gudbro(config, [
      'login',
      '--url',
      'http://127.0.0.1:1',
      '--email',
      'a@b.test',
      '--password',
      'x',
    ])
    assert.equal(unreachable.code, 7)
    assert.include(unreachable.stderr, 'Cannot reach')
  }).timeout(60_000)

  test('merchants suspend and reactivate, members remove: each needs a reason and takes effect', async ({
    client,
    assert,
  }) => {
    const config = join(dir, 'config.json')
    const support = await supportToken(client)
    const { merchant } = await createMerchant()
    const member = await User.create({
      email: `m-${randomUUID().slice(0, 8)}@staff.test`,
      password: TEST_PASSWORD,
      fullName: 'Member',
    })
    await Membership.create({ userId: member.id, merchantId: merchant.id, role: 'staff' })
    const login = await gudbro(config, [
      'login',
      '--url',
      serverUrl(),
      '--email',
      support.email,
      '--password',
      TEST_PASSWORD,
      '--code',
      codeAt(support.secret),
    ])
    assert.equal(login.code, 0)
    const status = async () => {
      const row = await db.connection('control').from('merchants').where('id', merchant.id).first()
      return row.status
    }

    const noReason = await gudbro(config, ['merchants', 'suspend', merchant.slug])
    assert.equal(noReason.code, 2)
    assert.include(noReason.stderr, '--reason is required')
    const suspended = await gudbro(config, [
      '--json',
      'merchants',
      'suspend',
      merchant.slug,
      '--reason',
      'fraud review',
    ])
    assert.equal(suspended.code, 0, suspended.stderr)
    assert.equal(JSON.parse(suspended.stdout).data.status, 'suspended')
    assert.equal(await status(), 'suspended')
    const reactivated = await gudbro(config, [
      'merchants',
      'reactivate',
      merchant.slug,
      '--reason',
      'cleared',
    ])
    assert.equal(reactivated.code, 0, reactivated.stderr)
    assert.include(reactivated.stderr, 'is now active')
    assert.equal(await status(), 'active')

    const removed = await gudbro(config, [
      'members',
      'remove',
      merchant.slug,
      member.id,
      '--reason',
      'left the team',
    ])
    assert.equal(removed.code, 0, removed.stderr)
    assert.isNull(
      await Membership.query().where({ user_id: member.id, merchant_id: merchant.id }).first()
    )
    const again = await gudbro(config, [
      'members',
      'remove',
      merchant.slug,
      member.id,
      '--reason',
      'left the team',
    ])
    assert.notEqual(again.code, 0)
    assert.include(again.stderr, '404')
  }).timeout(60_000)
})
