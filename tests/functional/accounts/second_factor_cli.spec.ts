import { test } from '@japa/runner'
import { gudbro } from '#tests/support/child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import User from '#tenancy/models/user'
import { TEST_PASSWORD } from '#tests/support/merchants'
import { codeAt, enrolSecondFactor, resetLoopbackSignInLimit } from '#tests/support/second_factor'

const serverUrl = () => `http://${process.env.HOST}:${process.env.PORT}`

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false
  )

async function supportWithFactor() {
  const email = `support-${randomUUID().slice(0, 8)}@gudbro.test`
  await User.create({ email, password: TEST_PASSWORD, platformRole: 'support' })
  return { email, ...(await enrolSecondFactor(email)) }
}

test.group('gudbro CLI: second factor', (group) => {
  let dir: string
  group.teardown(() => resetLoopbackSignInLimit())
  group.each.setup(async () => {
    await resetLoopbackSignInLimit()
    dir = await mkdtemp(join(tmpdir(), 'gudbro-2fa-'))
    return () => rm(dir, { recursive: true, force: true })
  })

  const loginArgs = (email: string) => [
    'login',
    '--url',
    serverUrl(),
    '--email',
    email,
    '--password',
    TEST_PASSWORD,
  ]

  test('a support login without its code is refused and keeps no token', async ({ assert }) => {
    const support = await supportWithFactor()
    const config = join(dir, 'config.json')

    const noCode = await gudbro(config, loginArgs(support.email))
    assert.equal(noCode.code, 2)
    assert.include(noCode.stderr, '--code is required')
    assert.isFalse(await exists(config))

    const wrong = await gudbro(config, [...loginArgs(support.email), '--code', '000000'])
    assert.equal(wrong.code, 3)
    assert.include(wrong.stderr, 'code is wrong')
    assert.notInclude(wrong.stderr, 'gudbro login" again')
    assert.isFalse(await exists(config))

    const list = await gudbro(config, ['merchants', 'list'])
    assert.notEqual(list.code, 0)
  })

  test('support without an enrolled factor is told to ask an operator', async ({ assert }) => {
    const email = `support-${randomUUID().slice(0, 8)}@gudbro.test`
    await User.create({ email, password: TEST_PASSWORD, platformRole: 'support' })
    const config = join(dir, 'config.json')
    const refused = await gudbro(config, [...loginArgs(email), '--code', '123456'])
    assert.equal(refused.code, 4)
    assert.include(refused.stderr, 'users:second-factor')
    assert.isFalse(await exists(config))
  })

  test('the code from --code or GUDBRO_CODE, or a recovery code, completes the login', async ({
    assert,
  }) => {
    const support = await supportWithFactor()
    const config = join(dir, 'config.json')

    const fromEnv = await gudbro(config, ['--json', ...loginArgs(support.email)], {
      GUDBRO_CODE: codeAt(support.secret),
    })
    assert.equal(fromEnv.code, 0, fromEnv.stderr)
    assert.equal(JSON.parse(fromEnv.stdout).platform_role, 'support')
    const list = await gudbro(config, ['--json', 'merchants', 'list', '--per-page', '1'])
    assert.equal(list.code, 0, list.stderr)

    const recovery = await gudbro(config, [
      ...loginArgs(support.email),
      '--code',
      support.recoveryCodes[0],
    ])
    assert.equal(recovery.code, 0, recovery.stderr)
    const flag = await gudbro(config, [
      ...loginArgs(support.email),
      '--code',
      codeAt(support.secret, 1),
    ])
    assert.equal(flag.code, 0, flag.stderr)
  })
})
