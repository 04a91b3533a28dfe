import { randomBytes } from 'node:crypto'
import { BaseSeeder } from '@adonisjs/lucid/seeders'
import app from '@adonisjs/core/services/app'
import hash from '@adonisjs/core/services/hash'
import env from '#start/env'
import Merchant from '#tenancy/models/merchant'
import User from '#tenancy/models/user'
import { serveTenants } from '#providers/tenancy_provider'
import { onboarding } from '#tenancy/services/onboarding_service'
import { isLoopbackHost } from '#core/http/loopback'
import { Secret } from 'otpauth'
import { secondFactors } from '#tenancy/services/second_factors'
import {
  DEMO_MERCHANTS,
  DEMO_PASSWORD,
  DEMO_SUPPORT_TOTP_SECRET,
  SUPPORT_EMAIL,
  ownerEmail,
} from '#database/demo_logins'

export { DEMO_MERCHANTS, DEMO_PASSWORD }

/**
 * Demo data: three merchants with an owner each, and a platform support user. Safe to re-run.
 * Never in production (db:seed skips it there, and run() refuses). When the server is reachable from
 * other machines (HOST not loopback), every demo login gets a random password, printed once when set,
 * including logins an earlier loopback-only run gave the published password.
 */
export default class DemoSeeder extends BaseSeeder {
  static environment = ['development', 'test']

  async run() {
    if (app.inProduction) throw new Error('Demo accounts are never seeded in production')
    const published = isLoopbackHost(env.get('HOST'))
    const password = () => (published ? DEMO_PASSWORD : randomBytes(12).toString('base64url'))
    const issued: Array<{ email: string; password: string }> = []

    await serveTenants()
    for (const merchant of DEMO_MERCHANTS) {
      const email = ownerEmail(merchant.slug)
      if (await Merchant.findBy('slug', merchant.slug)) {
        if (!published) await this.#replacePublishedPassword(email, issued)
        continue
      }
      const owner = { email, password: password(), fullName: `${merchant.name} Owner` }
      await onboarding.onboard({ ...merchant, owner })
      // Demo owners count as verified: their onboarding checklist starts past that step.
      await User.query().where('email', email).update({ email_verified_at: new Date() })
      if (!published) issued.push(owner)
    }
    if (await User.findByEmail(SUPPORT_EMAIL)) {
      if (!published) await this.#replacePublishedPassword(SUPPORT_EMAIL, issued)
    } else {
      const support = { email: SUPPORT_EMAIL, password: password() }
      await User.create({ ...support, fullName: 'Support', platformRole: 'support' })
      if (!published) issued.push(support)
    }

    if (issued.length) {
      console.log(
        'Demo logins (random passwords, shown only this once: the server is reachable beyond this machine):'
      )
      for (const login of issued) console.log(`  ${login.email.padEnd(28)} ${login.password}`)
    }
    // After the passwords: support cannot sign in without a second factor.
    await this.#supportSecondFactor(published)
  }

  /**
   * Support cannot sign in without a second factor. On loopback it gets the published demo secret
   * (README; `node ace users:totp-code support@gudbro.test`); otherwise a random one, printed once,
   * also replacing the published one an earlier loopback-only run gave it.
   */
  async #supportSecondFactor(published: boolean) {
    const support = await User.findByEmail(SUPPORT_EMAIL)
    if (!support) return
    const demoSecret = await secondFactors.hasSecret(support, DEMO_SUPPORT_TOTP_SECRET)
    if (published) {
      if (!demoSecret && !(await secondFactors.isEnabled(support.id)))
        await secondFactors.enrolByOperator(support, {
          secret: DEMO_SUPPORT_TOTP_SECRET,
          mail: false,
        })
      return
    }
    if (!demoSecret && (await secondFactors.isEnabled(support.id))) return
    const secret = new Secret({ size: 20 }).base32
    const enrolled = await secondFactors.enrolByOperator(support, { secret, mail: false })
    console.log(`Second factor of ${SUPPORT_EMAIL} (shown only this once): ${enrolled.otpauth_uri}`)
    console.log(`  recovery codes: ${enrolled.recovery_codes.join(' ')}`)
  }

  async #replacePublishedPassword(
    email: string,
    issued: Array<{ email: string; password: string }>
  ) {
    const user = await User.findByEmail(email)
    if (!user?.password || !(await hash.verify(user.password, DEMO_PASSWORD))) return
    user.password = randomBytes(12).toString('base64url')
    issued.push({ email, password: user.password })
    await user.save()
  }
}
