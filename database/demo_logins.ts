/**
 * The demo logins `npm start` seeds in development (database/seeders/demo_seeder.ts) and prints.
 * No application imports: the start script reads this before any app process boots.
 */
import type { Tier, Vertical } from '#tenancy/types'

/** The demo logins' password while the server listens on loopback only (the README shows it). */
export const DEMO_PASSWORD = 'demo-password-1'

export const SUPPORT_EMAIL = 'support@gudbro.test'

/**
 * The demo support account's second-factor secret while the server listens on loopback only (the
 * README shows it; `node ace users:totp-code support@gudbro.test` prints the current code).
 */
export const DEMO_SUPPORT_TOTP_SECRET = 'GUDBRODEMOSUPPORTTOTPSECRET23456'

export const DEMO_MERCHANTS: Array<{
  slug: string
  name: string
  vertical: Vertical
  tier: Tier
  timezone: string
}> = [
  {
    slug: 'demo-coffee',
    name: 'Demo Coffee',
    vertical: 'coffeeshop',
    tier: 'pre_ordering',
    timezone: 'Europe/Rome',
  },
  {
    slug: 'demo-wellness',
    name: 'Demo Wellness',
    vertical: 'wellness',
    tier: 'digital_menu',
    timezone: 'Europe/Rome',
  },
  {
    slug: 'demo-rentals',
    name: 'Demo Rentals',
    vertical: 'rentals',
    tier: 'full_suite',
    timezone: 'Europe/Rome',
  },
]

export const ownerEmail = (slug: string) => `owner@${slug}.test`
