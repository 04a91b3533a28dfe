import { randomUUID } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import { onboarding } from '#tenancy/services/onboarding_service'
import type { Tier, Vertical } from '#tenancy/types'
import { randomClientIp } from '#tests/support/app_process'

export const TEST_PASSWORD = 'test-password-1'

/** A fresh merchant with an owner; unique slug per call. */
export async function createMerchant(
  options: { tier?: Tier; vertical?: Vertical; slug?: string; timezone?: string } = {}
) {
  const slug = options.slug ?? `m-${randomUUID().slice(0, 8)}`
  const email = `owner@${slug}.test`
  const merchant = await onboarding.onboard({
    slug,
    name: `Merchant ${slug}`,
    vertical: options.vertical ?? 'coffeeshop',
    tier: options.tier ?? 'pre_ordering',
    timezone: options.timezone,
    owner: { email, password: TEST_PASSWORD },
  })
  return { merchant, email, password: TEST_PASSWORD }
}

export async function login(
  client: ApiClient,
  email: string,
  password = TEST_PASSWORD,
  merchant?: string
) {
  const response = await client
    .post('/api/v1/auth/login')
    .header('X-Forwarded-For', randomClientIp())
    .json({ email, password, merchant })
  response.assertStatus(200)
  return response.body().token as string
}

export async function ownerToken(client: ApiClient, options: { tier?: Tier } = {}) {
  const created = await createMerchant(options)
  return { ...created, token: await login(client, created.email) }
}
