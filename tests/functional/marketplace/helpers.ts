import { randomUUID } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import User from '#tenancy/models/user'
import { issueToken, TEST_PASSWORD } from '#tests/support/merchants'
import { supportToken } from '#tests/functional/compliance/helpers'

/** A signed-in user with no merchant: someone who wants to publish apps. */
export async function developerUser() {
  const email = `dev-${randomUUID().slice(0, 8)}@apps.test`
  const user = await User.create({ email, password: TEST_PASSWORD, fullName: 'App Maker' })
  return { user, email, token: await issueToken(email) }
}

/** A developer account (pending), with the user's token. */
export async function pendingDeveloper(client: ApiClient) {
  const person = await developerUser()
  const response = await client.post('/api/v1/developer/account').bearerToken(person.token).json({
    display_name: 'App Maker Ltd',
    contact_email: person.email,
    website: 'https://apps.example',
  })
  response.assertStatus(201)
  return { ...person, developer: response.body().data }
}

/** A developer that support has verified; `support` is the support token that did it. */
export async function verifiedDeveloper(client: ApiClient, support?: string) {
  const developer = await pendingDeveloper(client)
  let token = support
  if (!token) {
    const staff = await supportToken(client)
    token = staff.token
  }
  const verified = await client
    .post(`/api/v1/admin/marketplace/developers/${developer.developer.id}/verify`)
    .bearerToken(token)
    .json({ reason: 'identity checked' })
  verified.assertStatus(200)
  return { ...developer, support: token }
}

/** A complete app body (one scope, one redirect URI, one webhook). */
export function appBody(overrides: Record<string, unknown> = {}) {
  return {
    name: `Till Sync ${randomUUID().slice(0, 6)}`,
    category: 'integration',
    pricing_model: 'freemium',
    monthly_price_minor: 900,
    usage_price_minor: 5,
    usage_unit: 'order',
    currency: 'EUR',
    scopes: ['read_menu', 'read_orders'],
    redirect_uris: ['https://till.example/oauth/callback', 'http://127.0.0.1:8080/callback'],
    webhooks: [{ topic: 'order.created', url: 'https://till.example/hooks' }],
    tagline: 'Your till and your menu, in step',
    description: 'Keeps the till in step with the menu.',
    support_url: 'https://till.example/help',
    ...overrides,
  }
}

export async function createApp(
  client: ApiClient,
  token: string,
  overrides: Record<string, unknown> = {}
) {
  const response = await client
    .post('/api/v1/developer/apps')
    .bearerToken(token)
    .json(appBody(overrides))
  response.assertStatus(201)
  return response.body().data
}
