import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import User from '#tenancy/models/user'
import DemoSeeder from '#database/seeders/demo_seeder'
import { secondFactors, totpFor } from '#tenancy/services/second_factors'
import {
  DEMO_MERCHANTS,
  DEMO_PASSWORD,
  DEMO_SUPPORT_TOTP_SECRET,
  SUPPORT_EMAIL,
  ownerEmail,
} from '#database/demo_logins'
import { loginWithSecondFactor } from '#tests/support/second_factor'

const EMAILS = [...DEMO_MERCHANTS.map((merchant) => ownerEmail(merchant.slug)), SUPPORT_EMAIL]

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

test.group('second factor: the demo support account', (group) => {
  // Other suites sign in as the demo users: put back the published password and secret.
  group.each.teardown(async () => {
    for (const email of EMAILS) {
      const user = await User.findByEmail(email)
      if (user) {
        user.password = DEMO_PASSWORD
        await user.save()
      }
    }
    const support = await User.findByEmail(SUPPORT_EMAIL)
    if (support)
      await secondFactors.enrolByOperator(support, {
        secret: DEMO_SUPPORT_TOTP_SECRET,
        mail: false,
      })
  })

  test('on loopback support gets the published secret; beyond it a random one, printed once', async ({
    client,
    assert,
  }) => {
    await seedWithHost('127.0.0.1')
    const demoCode = () => totpFor(DEMO_SUPPORT_TOTP_SECRET, SUPPORT_EMAIL).generate()
    const token = await loginWithSecondFactor(
      client,
      SUPPORT_EMAIL,
      { code: demoCode() },
      DEMO_PASSWORD
    )
    const admin = await client.get('/api/v1/admin/merchants').bearerToken(token)
    admin.assertStatus(200)

    const printed = await seedWithHost('0.0.0.0')
    const uri = /otpauth:\/\/\S+/.exec(printed)?.[0]
    assert.exists(uri, printed)
    assert.notInclude(uri!, DEMO_SUPPORT_TOTP_SECRET)
    const support = await User.findByEmail(SUPPORT_EMAIL)
    assert.isFalse(await secondFactors.hasSecret(support!, DEMO_SUPPORT_TOTP_SECRET))
    assert.notInclude(await seedWithHost('0.0.0.0'), 'otpauth://', 'printed once')
    assert.notInclude(await seedWithHost('127.0.0.1'), 'otpauth://')
    assert.isFalse(
      await secondFactors.hasSecret(support!, DEMO_SUPPORT_TOTP_SECRET),
      'a loopback run does not bring the published secret back'
    )
  }).timeout(60_000)
})
