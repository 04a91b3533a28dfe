import { createHash, randomBytes } from 'node:crypto'
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { authenticateAppToken } from '#marketplace/index'
import { addMember, createMerchantWithToken } from '#tests/support/merchants'
import { inTenant, tenantDb } from '#tests/functional/compliance/helpers'
import { createApp, verifiedDeveloper } from '#tests/functional/marketplace/helpers'

const REDIRECT = 'https://till.example/oauth/callback'

/** A listed app (slice 1's review flow), with its client credentials. */
async function listedApp(client: ApiClient, overrides: Record<string, unknown> = {}) {
  const dev = await verifiedDeveloper(client)
  const app = await createApp(client, dev.token, overrides)
  const submitted = await client
    .post(`/api/v1/developer/apps/${app.id}/submit`)
    .bearerToken(dev.token)
  submitted.assertStatus(200)
  for (const step of ['approve', 'list']) {
    const reviewed = await client
      .post(`/api/v1/admin/marketplace/apps/${app.id}/${step}`)
      .bearerToken(dev.support)
      .json({ reason: 'checked' })
    reviewed.assertStatus(200)
  }
  return {
    id: app.id as string,
    clientId: app.client_id as string,
    secret: app.client_secret,
    name: app.name,
  }
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  return { verifier, challenge }
}

type App = Awaited<ReturnType<typeof listedApp>>

function authorizeParams(app: App, challenge: string, overrides: Record<string, unknown> = {}) {
  return {
    client_id: app.clientId,
    redirect_uri: REDIRECT,
    scope: 'read_menu read_orders',
    state: 'xyz-42',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  }
}

/** The owner approves: the code from the redirect. */
async function approve(
  client: ApiClient,
  token: string,
  app: App,
  challenge: string,
  overrides: Record<string, unknown> = {}
) {
  const response = await client
    .post('/api/v1/marketplace/authorize')
    .bearerToken(token)
    .json({ ...authorizeParams(app, challenge, overrides), approve: true })
  response.assertStatus(200)
  const target = new URL(response.body().data.redirect_to)
  return target.searchParams.get('code')!
}

function tokenRequest(client: ApiClient, app: App, body: Record<string, unknown>) {
  return client
    .post('/oauth/token')
    .form({ client_id: app.clientId, client_secret: app.secret, ...body })
}

async function exchange(client: ApiClient, app: App, code: string, verifier: string) {
  const response = await tokenRequest(client, app, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  })
  response.assertStatus(200)
  return response.body()
}

/** A full-suite shop, a listed app, and a fresh code for it. */
async function setUp(client: ApiClient) {
  const shop = await createMerchantWithToken({ tier: 'full_suite' })
  const app = await listedApp(client)
  const { verifier, challenge } = pkce()
  const code = await approve(client, shop.token, app, challenge)
  return { shop, app, verifier, challenge, code }
}

function assertOAuthError(response: any, status: number, error: string, assert: any) {
  response.assertStatus(status)
  assert.equal(response.body().error, error)
  assert.isString(response.body().error_description)
}

test.group('Marketplace: OAuth install with PKCE', () => {
  test('consent → approve → code → token → refresh → authenticateAppToken → uninstall', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken({ tier: 'full_suite' })
    const app = await listedApp(client)
    const { verifier, challenge } = pkce()

    const screen = await client
      .get('/api/v1/marketplace/authorize')
      .qs(authorizeParams(app, challenge))
      .bearerToken(shop.token)
    screen.assertStatus(200)
    const shown = screen.body().data
    assert.equal(shown.app.name, app.name)
    assert.equal(shown.app.developer_name, 'App Maker Ltd')
    assert.deepEqual(
      shown.scopes.map((scope: any) => scope.scope),
      ['read_menu', 'read_orders']
    )
    for (const scope of shown.scopes) assert.isAbove(scope.description.length, 10)
    assert.isNull(shown.installation_id)

    const decided = await client
      .post('/api/v1/marketplace/authorize')
      .bearerToken(shop.token)
      .json({ ...authorizeParams(app, challenge), approve: true })
    decided.assertStatus(200)
    const target = new URL(decided.body().data.redirect_to)
    assert.equal(`${target.origin}${target.pathname}`, REDIRECT)
    assert.equal(target.searchParams.get('state'), 'xyz-42')
    const code = target.searchParams.get('code')!
    assert.match(code, /^gac_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/)

    // Stored hashed only; the audit log copies neither the hash nor the challenge.
    const stored = await inTenant(shop.merchant.id, () =>
      tenantDb('write').from('app_authorization_codes').where({ merchant_id: shop.merchant.id })
    )
    assert.lengthOf(stored, 1)
    assert.notInclude(JSON.stringify(stored), code)

    const tokens = await client.post('/oauth/token').basicAuth(app.clientId, app.secret).form({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    })
    tokens.assertStatus(200)
    assert.equal(tokens.header('cache-control'), 'no-store')
    const granted = tokens.body()
    assert.equal(granted.token_type, 'bearer')
    assert.equal(granted.expires_in, 3600)
    assert.equal(granted.scope, 'read_menu read_orders')
    assert.match(granted.access_token, /^gat_/)
    assert.match(granted.refresh_token, /^grt_/)

    const identity = await authenticateAppToken(granted.access_token)
    assert.isNotNull(identity)
    assert.equal(identity!.merchantId, shop.merchant.id)
    assert.equal(identity!.appId, app.id)
    assert.deepEqual(identity!.scopes, ['read_menu', 'read_orders'])

    const audit = await inTenant(shop.merchant.id, () =>
      tenantDb('write')
        .from('audit_log')
        .whereIn('resource_type', ['app_tokens', 'app_authorization_codes', 'app_installations'])
        .where('merchant_id', shop.merchant.id)
    )
    assert.isAtLeast(audit.length, 3)
    const logged = JSON.stringify(audit)
    assert.notInclude(logged, 'token_hash')
    assert.notInclude(logged, 'code_hash')
    assert.notInclude(logged, challenge)

    // JSON bodies work too; refresh rotates.
    const refreshed = await client.post('/oauth/token').json({
      grant_type: 'refresh_token',
      refresh_token: granted.refresh_token,
      client_id: app.clientId,
      client_secret: app.secret,
    })
    refreshed.assertStatus(200)
    assert.notEqual(refreshed.body().refresh_token, granted.refresh_token)
    assert.equal(refreshed.body().scope, 'read_menu read_orders')
    assert.isNotNull(await authenticateAppToken(refreshed.body().access_token))

    // The owner sees the installation; a scope increase asks again and replaces the scopes.
    const installed = await client.get('/api/v1/marketplace/installations').bearerToken(shop.token)
    installed.assertStatus(200)
    assert.lengthOf(installed.body().data, 1)
    const installation = installed.body().data[0]
    assert.equal(installation.id, identity!.installationId)
    assert.equal(installation.app_name, app.name)

    const again = pkce()
    const rescreen = await client
      .get('/api/v1/marketplace/authorize')
      .qs(authorizeParams(app, again.challenge, { scope: 'read_menu' }))
      .bearerToken(shop.token)
    assert.equal(rescreen.body().data.installation_id, installation.id)
    assert.isTrue(rescreen.body().data.scopes[0].already_granted)
    const narrowed = await exchange(
      client,
      app,
      await approve(client, shop.token, app, again.challenge, { scope: 'read_menu' }),
      again.verifier
    )
    assert.equal(narrowed.scope, 'read_menu')
    // Older tokens keep only what the installation still holds.
    const older = await authenticateAppToken(refreshed.body().access_token)
    assert.deepEqual(older!.scopes, ['read_menu'])

    // Uninstall revokes every token of the installation at once.
    const removed = await client
      .delete(`/api/v1/marketplace/installations/${installation.id}`)
      .bearerToken(shop.token)
    removed.assertStatus(200)
    assert.equal(removed.body().data.status, 'uninstalled')
    assert.isNull(await authenticateAppToken(refreshed.body().access_token))
    assert.isNull(await authenticateAppToken(narrowed.access_token))
    const dead = await tokenRequest(client, app, {
      grant_type: 'refresh_token',
      refresh_token: narrowed.refresh_token,
    })
    assertOAuthError(dead, 400, 'invalid_grant', assert)
    const twice = await client
      .delete(`/api/v1/marketplace/installations/${installation.id}`)
      .bearerToken(shop.token)
    twice.assertStatus(404)
  })

  test('the consent request is refused with a stable code', async ({ client, assert }) => {
    const shop = await createMerchantWithToken({ tier: 'full_suite' })
    const app = await listedApp(client)
    const draftOwner = await verifiedDeveloper(client)
    const unlisted = await createApp(client, draftOwner.token)
    const { challenge } = pkce()
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ client_id: 'gapp_nobody' }, 'E_OAUTH_CLIENT_UNKNOWN'],
      [{ client_id: unlisted.client_id }, 'E_OAUTH_CLIENT_UNKNOWN'],
      [{ client_id: undefined }, 'E_OAUTH_CLIENT_UNKNOWN'],
      [{ redirect_uri: 'https://till.example/oauth/callback/' }, 'E_OAUTH_REDIRECT_URI'],
      [{ redirect_uri: 'https://evil.example/cb' }, 'E_OAUTH_REDIRECT_URI'],
      [{ redirect_uri: undefined }, 'E_OAUTH_REDIRECT_URI'],
      [{ scope: 'read_menu write_menu' }, 'E_OAUTH_INVALID_SCOPE'],
      [{ scope: 'everything' }, 'E_OAUTH_INVALID_SCOPE'],
      [{ scope: '' }, 'E_OAUTH_INVALID_SCOPE'],
      [{ code_challenge_method: 'plain' }, 'E_OAUTH_PKCE_REQUIRED'],
      [{ code_challenge_method: undefined }, 'E_OAUTH_PKCE_REQUIRED'],
      [{ code_challenge: undefined }, 'E_OAUTH_PKCE_REQUIRED'],
      [{ code_challenge: 'short' }, 'E_OAUTH_PKCE_REQUIRED'],
      [{ state: 'x'.repeat(600) }, 'E_OAUTH_INVALID_REQUEST'],
    ]
    for (const [overrides, code] of cases) {
      const params = Object.fromEntries(
        Object.entries(authorizeParams(app, challenge, overrides)).filter(
          ([, value]) => value !== undefined
        )
      )
      const shown = await client
        .get('/api/v1/marketplace/authorize')
        .qs(params)
        .bearerToken(shop.token)
      shown.assertStatus(400)
      assert.equal(shown.body().errors[0].code, code, JSON.stringify(overrides))
      const posted = await client
        .post('/api/v1/marketplace/authorize')
        .bearerToken(shop.token)
        .json({ ...params, approve: true })
      posted.assertStatus(400)
      assert.equal(posted.body().errors[0].code, code, JSON.stringify(overrides))
    }
    // Odd types are 4xx, never 500.
    for (const body of [
      { ...authorizeParams(app, challenge), approve: 'yes' },
      { ...authorizeParams(app, challenge), client_id: ['a'], approve: true },
      { ...authorizeParams(app, challenge), scope: { a: 1 }, approve: true },
      { ...authorizeParams(app, challenge), state: 5, approve: true },
    ]) {
      const response = await client
        .post('/api/v1/marketplace/authorize')
        .bearerToken(shop.token)
        .json(body)
      assert.equal(response.status(), 400, response.text())
    }
    // Refusing sends access_denied, with the state, and issues nothing.
    const refused = await client
      .post('/api/v1/marketplace/authorize')
      .bearerToken(shop.token)
      .json({ ...authorizeParams(app, challenge), approve: false })
    refused.assertStatus(200)
    const target = new URL(refused.body().data.redirect_to)
    assert.equal(target.searchParams.get('error'), 'access_denied')
    assert.equal(target.searchParams.get('state'), 'xyz-42')
    assert.isNull(target.searchParams.get('code'))
  })

  test('only the owner may approve; a merchant without the module is told so', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken({ tier: 'full_suite' })
    const app = await listedApp(client)
    const { challenge } = pkce()
    const manager = await addMember(client, shop.merchant.id, 'manager')
    const denied = await client
      .post('/api/v1/marketplace/authorize')
      .bearerToken(manager.token)
      .json({ ...authorizeParams(app, challenge), approve: true })
    denied.assertStatus(403)
    const smaller = await createMerchantWithToken({ tier: 'pre_ordering' })
    const off = await client
      .get('/api/v1/marketplace/authorize')
      .qs(authorizeParams(app, challenge))
      .bearerToken(smaller.token)
    off.assertStatus(403)
    assert.equal(off.body().errors[0].code, 'E_MODULE_DISABLED')
    const anonymous = await client
      .post('/api/v1/marketplace/authorize')
      .json({ ...authorizeParams(app, challenge), approve: true })
    assert.include([400, 401, 403], anonymous.status())
  })

  test('a code is single use: a reused code is refused and revokes what it gave', async ({
    client,
    assert,
  }) => {
    const { app, code, verifier } = await setUp(client)
    const first = await exchange(client, app, code, verifier)
    assert.isNotNull(await authenticateAppToken(first.access_token))
    const refreshed = await tokenRequest(client, app, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    })
    refreshed.assertStatus(200)

    const reused = await tokenRequest(client, app, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    })
    assertOAuthError(reused, 400, 'invalid_grant', assert)
    assert.isNull(await authenticateAppToken(first.access_token))
    assert.isNull(await authenticateAppToken(refreshed.body().access_token))
  })

  test('an expired code, a wrong redirect URI and a wrong or missing verifier are refused', async ({
    client,
    assert,
  }) => {
    const { shop, app, code, verifier } = await setUp(client)
    const attempt = (body: Record<string, unknown>) =>
      tokenRequest(client, app, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        ...body,
      })
    assertOAuthError(
      await attempt({ redirect_uri: 'http://127.0.0.1:8080/callback' }),
      400,
      'invalid_grant',
      assert
    )
    assertOAuthError(
      await attempt({ code_verifier: pkce().verifier }),
      400,
      'invalid_grant',
      assert
    )
    assertOAuthError(await attempt({ code_verifier: undefined }), 400, 'invalid_grant', assert)
    // The challenge itself is not the verifier.
    const challengeOf = createHash('sha256').update(verifier).digest('base64url')
    assertOAuthError(await attempt({ code_verifier: challengeOf }), 400, 'invalid_grant', assert)

    await inTenant(shop.merchant.id, () =>
      tenantDb('write')
        .from('app_authorization_codes')
        .where({ merchant_id: shop.merchant.id })
        .update({ expires_at: new Date(Date.now() - 1000) })
    )
    assertOAuthError(await attempt({}), 400, 'invalid_grant', assert)
  })

  test("another app's secret or another app's code is refused", async ({ client, assert }) => {
    const { app, code, verifier } = await setUp(client)
    const other = await listedApp(client)
    const body = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    }
    const wrongSecret = await client
      .post('/oauth/token')
      .form({ ...body, client_id: app.clientId, client_secret: other.secret })
    assertOAuthError(wrongSecret, 401, 'invalid_client', assert)
    assert.include(wrongSecret.header('www-authenticate'), 'Basic')
    const wrongBasic = await client
      .post('/oauth/token')
      .basicAuth(app.clientId, other.secret)
      .form(body)
    assertOAuthError(wrongBasic, 401, 'invalid_client', assert)
    const noSecret = await client.post('/oauth/token').form({ ...body, client_id: app.clientId })
    assertOAuthError(noSecret, 401, 'invalid_client', assert)

    const otherAppsCode = await tokenRequest(client, other, body)
    assertOAuthError(otherAppsCode, 400, 'invalid_grant', assert)
    // Still good for its own app afterwards.
    await exchange(client, app, code, verifier)
  })

  test('a rotated refresh token presented again revokes the whole family', async ({
    client,
    assert,
  }) => {
    const { app, code, verifier } = await setUp(client)
    const first = await exchange(client, app, code, verifier)
    // Another app cannot use this app's refresh token.
    const other = await listedApp(client)
    const stolen = await tokenRequest(client, other, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    })
    assertOAuthError(stolen, 400, 'invalid_grant', assert)

    const second = await tokenRequest(client, app, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    })
    second.assertStatus(200)
    const replay = await tokenRequest(client, app, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    })
    assertOAuthError(replay, 400, 'invalid_grant', assert)
    assert.isNull(await authenticateAppToken(first.access_token))
    assert.isNull(await authenticateAppToken(second.body().access_token))
    const third = await tokenRequest(client, app, {
      grant_type: 'refresh_token',
      refresh_token: second.body().refresh_token,
    })
    assertOAuthError(third, 400, 'invalid_grant', assert)
  })

  test("another merchant's installation is a 404; bad token requests are 4xx in RFC 6749's shape", async ({
    client,
    assert,
  }) => {
    const { shop, app, code, verifier } = await setUp(client)
    const granted = await exchange(client, app, code, verifier)
    const identity = await authenticateAppToken(granted.access_token)
    const other = await createMerchantWithToken({ tier: 'full_suite' })
    for (const id of [identity!.installationId, 'nope', '00000000-0000-0000-0000-000000000000']) {
      const response = await client
        .delete(`/api/v1/marketplace/installations/${id}`)
        .bearerToken(other.token)
      response.assertStatus(404)
      assert.equal(response.body().errors[0].code, 'E_INSTALLATION_NOT_FOUND')
    }
    assert.isNotNull(await authenticateAppToken(granted.access_token))
    void shop

    const bad: Array<[Record<string, unknown>, number, string]> = [
      [{ grant_type: 'password' }, 400, 'unsupported_grant_type'],
      [{ grant_type: undefined }, 400, 'invalid_request'],
      [{ grant_type: 'authorization_code' }, 400, 'invalid_request'],
      [
        { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT },
        400,
        'invalid_grant',
      ],
      [
        {
          grant_type: 'authorization_code',
          code: `gac_${'0'.repeat(32)}_${'A'.repeat(43)}`,
          redirect_uri: REDIRECT,
        },
        400,
        'invalid_grant',
      ],
      [{ grant_type: 'refresh_token' }, 400, 'invalid_request'],
      [{ grant_type: 'refresh_token', refresh_token: granted.access_token }, 400, 'invalid_grant'],
      [{ grant_type: 'refresh_token', refresh_token: ['a'] }, 400, 'invalid_request'],
    ]
    for (const [body, status, error] of bad) {
      const response = await client
        .post('/oauth/token')
        .json({ client_id: app.clientId, client_secret: app.secret, ...body })
      assert.equal(response.status(), status, `${JSON.stringify(body)}: ${response.text()}`)
      assert.equal(response.body().error, error, JSON.stringify(body))
    }
    const broken = await client
      .post('/oauth/token')
      .type('application/json')
      .unsafeJson('{"grant_type":')
    assertOAuthError(broken, 400, 'invalid_request', assert)
    const both = await client
      .post('/oauth/token')
      .basicAuth(app.clientId, app.secret)
      .form({ client_secret: app.secret, grant_type: 'refresh_token', refresh_token: 'x' })
    assertOAuthError(both, 400, 'invalid_request', assert)
    assert.isNull(await authenticateAppToken('nope'))
    assert.isNull(await authenticateAppToken(granted.refresh_token))
  })
})
