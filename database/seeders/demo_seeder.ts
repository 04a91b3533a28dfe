import { BaseSeeder } from '@adonisjs/lucid/seeders'
import Merchant from '#tenancy/models/merchant'
import User from '#tenancy/models/user'
import { bootTenancy } from '#tenancy/services/boot'
import { onboarding } from '#tenancy/services/onboarding_service'
import type { Tier, Vertical } from '#tenancy/types'

export const DEMO_PASSWORD = 'demo-password-1'

export const DEMO_MERCHANTS: Array<{ slug: string; name: string; vertical: Vertical; tier: Tier; timezone: string }> = [
  { slug: 'demo-coffee', name: 'Demo Coffee', vertical: 'coffeeshop', tier: 'pre_ordering', timezone: 'Europe/Rome' },
  { slug: 'demo-wellness', name: 'Demo Wellness', vertical: 'wellness', tier: 'digital_menu', timezone: 'Europe/Rome' },
  { slug: 'demo-rentals', name: 'Demo Rentals', vertical: 'rentals', tier: 'full_suite', timezone: 'Europe/Rome' },
]

/** Demo data: three merchants with an owner each, and a support user. Safe to re-run. */
export default class DemoSeeder extends BaseSeeder {
  async run() {
    await bootTenancy()
    for (const merchant of DEMO_MERCHANTS) {
      if (await Merchant.findBy('slug', merchant.slug)) continue
      await onboarding.onboard({
        ...merchant,
        owner: { email: `owner@${merchant.slug}.test`, password: DEMO_PASSWORD, fullName: `${merchant.name} Owner` },
      })
    }
    if (!(await User.findByEmail('support@gudbro.test'))) {
      await User.create({ email: 'support@gudbro.test', password: DEMO_PASSWORD, fullName: 'Support', platformRole: 'support' })
    }
  }
}
