import { randomUUID } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import User from '#tenancy/models/user'
import Membership from '#tenancy/models/membership'
import { shardRouter } from '#tenancy/services/shards'
import { onboarding } from '#tenancy/services/onboarding_service'
import type { StaffRole, Tier, Vertical } from '#tenancy/types'
import { randomClientIp } from '#tests/support/app_process'

export const TEST_PASSWORD = 'test-password-1'

export type MerchantOptions = { tier?: Tier; vertical?: Vertical; slug?: string; timezone?: string }
export type CreatedMerchant = Awaited<ReturnType<typeof createMerchant>>

/** A fresh merchant with an owner (password TEST_PASSWORD); a unique slug per call unless given. */
export async function createMerchant(options: MerchantOptions = {}) {
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
  return { merchant, slug, email, password: TEST_PASSWORD }
}

/**
 * An access token issued directly, for the merchant when given, else for any ('*'): the login
 * route's rate limit is not what most tests are about.
 */
export async function issueToken(email: string, merchantId?: string) {
  const user = await User.findByOrFail('email', email)
  const token = await User.accessTokens.create(
    user,
    merchantId ? [`merchant:${merchantId}`] : ['*']
  )
  return token.value!.release()
}

/** A fresh merchant and its owner's token, issued directly. */
export async function createMerchantWithToken(options: MerchantOptions = {}) {
  const created = await createMerchant(options)
  return { ...created, token: await issueToken(created.email, created.merchant.id) }
}

/** A fresh merchant and its owner's token from the login route. */
export async function ownerToken(client: ApiClient, options: { tier?: Tier } = {}) {
  const created = await createMerchant(options)
  return { ...created, token: await login(client, created.email) }
}

/** Two fresh merchants whose shards live on different nodes. */
export async function merchantsOnTwoNodes() {
  const first = await createMerchant()
  const firstNode = shardRouter.connectionForShard(first.merchant.shardId)
  for (let attempt = 0; attempt < 40; attempt++) {
    const other = await createMerchant()
    if (shardRouter.connectionForShard(other.merchant.shardId) !== firstNode)
      return [first, other] as const
  }
  throw new Error('40 merchants in a row landed on one node: are the shards spread over two?')
}

/** Signs in through the login route (from a random client address) and returns the token. */
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

/** Another member of the merchant (password TEST_PASSWORD), signed in through the login route. */
export async function addMember(
  client: ApiClient,
  merchantId: string,
  role: StaffRole = 'manager'
) {
  const email = `${role}-${randomUUID().slice(0, 8)}@staff.test`
  const user = await User.create({ email, password: TEST_PASSWORD, fullName: role })
  await Membership.create({ userId: user.id, merchantId, role })
  return { user, email, token: await login(client, email) }
}
