import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import User from '#tenancy/models/user'
import DemoSeeder from '#database/seeders/demo_seeder'
import { DEMO_MERCHANTS, DEMO_PASSWORD, SUPPORT_EMAIL, ownerEmail } from '#database/demo_logins'
import { randomClientIp } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'

const EMAILS = [...DEMO_MERCHANTS.map((merchant) => ownerEmail(merchant.slug)), SUPPORT_EMAIL]

/** Runs the demo seeder with HOST set, returning what it printed. */
async function seedWithHost(host: string) {
  const previous = env.get('HOST')
  const printed: string[] = []
  const log = console.log
  env.set('HOST', host)
  console.log = (...args: unknown[]) => void printed.push(args.join(' '))
  try {
    await new DemoSeeder(db.connection()).run()
  } finally {
    console.log = log
    env.set('HOST', previous as string)
  }
  return printed.join('\n')
}

test.group('Demo logins', (group) => {
  // Other suites sign in as the demo users with the published password: put it back.
  group.each.teardown(async () => {
    for (const email of EMAILS) {
      const user = await User.findByEmail(email)
      if (user) {
        user.password = DEMO_PASSWORD
        await user.save()
      }
    }
  })

  test('with HOST beyond loopback every demo login gets a random password, printed once, even one that had the published password', async ({
    client,
    assert,
  }) => {
    await seedWithHost('127.0.0.1')
    const signIn = (email: string, password: string) =>
      client
        .post('/api/v1/auth/login')
        .header('X-Forwarded-For', randomClientIp())
        .json({ email, password })
    await expectStatus(signIn(SUPPORT_EMAIL, DEMO_PASSWORD), 200)

    const printed = await seedWithHost('0.0.0.0')
    for (const email of EMAILS) {
      const password = new RegExp(`${email.replace(/[.]/g, '\\.')}\\s+(\\S+)`).exec(printed)?.[1]
      assert.exists(password, `${email} printed with its password`)
      assert.notEqual(password, DEMO_PASSWORD)
      await expectStatus(signIn(email, password!), 200)
      const published = await signIn(email, DEMO_PASSWORD)
      assert.oneOf(
        published.status(),
        [400, 401],
        `${email}: the published password no longer works`
      )
    }

    assert.equal(await seedWithHost('0.0.0.0'), '', 'printed once: a second run prints nothing')
    assert.equal(
      await seedWithHost('127.0.0.1'),
      '',
      'a loopback run does not bring the published password back'
    )
    const support = await signIn(SUPPORT_EMAIL, DEMO_PASSWORD)
    assert.oneOf(support.status(), [400, 401])
  }).timeout(60_000)

  test('a listen address is loopback only for 127.0.0.0/8, ::1, their mapped forms and localhost', async ({
    assert,
  }) => {
    const { isLoopbackHost } = await import('#core/http/loopback')
    for (const host of [
      undefined,
      '',
      'localhost',
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '::ffff:127.0.0.1',
    ])
      assert.isTrue(isLoopbackHost(host), String(host))
    for (const host of ['0.0.0.0', '::', '192.0.2.2', '10.0.0.1', 'example.com'])
      assert.isFalse(isLoopbackHost(host), host)
  })
})
