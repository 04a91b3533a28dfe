import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import ace from '@adonisjs/core/services/ace'
import User from '#tenancy/models/user'
import UsersSecondFactor from '#commands/tenancy/users_second_factor'
import UsersTotpCode from '#commands/tenancy/users_totp_code'
import { TEST_PASSWORD } from '#tests/support/merchants'
import { loginWithSecondFactor } from '#tests/support/second_factor'

test.group('second factor: operator commands', () => {
  test('users:second-factor enrols support once; users:totp-code gives a code that signs in', async ({
    client,
    assert,
  }) => {
    const email = `support-${randomUUID().slice(0, 8)}@gudbro.test`
    await User.create({ email, password: TEST_PASSWORD, platformRole: 'support' })

    const enrol = await ace.create(UsersSecondFactor, [email, '--json'])
    enrol.ui.switchMode('raw')
    await enrol.exec()
    assert.equal(enrol.exitCode, 0)
    const printed = JSON.parse(enrol.ui.logger.getLogs().at(-1)!.message)
    assert.match(printed.otpauth_uri, /^otpauth:\/\/totp\//)
    assert.lengthOf(printed.recovery_codes, 10)

    const code = await ace.create(UsersTotpCode, [email])
    code.ui.switchMode('raw')
    await code.exec()
    assert.equal(code.exitCode, 0)
    const current = code.ui.logger.getLogs().at(-1)!.message
    assert.match(current, /^\d{6}$/)
    const token = await loginWithSecondFactor(client, email, { code: current })
    const admin = await client.get('/api/v1/admin/merchants').bearerToken(token)
    admin.assertStatus(200)

    const unknown = await ace.create(UsersSecondFactor, [`nobody-${randomUUID()}@x.test`])
    unknown.ui.switchMode('raw')
    await unknown.exec()
    assert.equal(unknown.exitCode, 1)
  })
})
