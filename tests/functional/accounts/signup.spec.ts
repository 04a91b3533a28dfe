import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { accountTokens } from '#tenancy/services/account_tokens'
import { loginAccountKey } from '#tenancy/services/login_lockout'
import { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { startSmtpServer } from '#tests/support/stand_ins'
import { randomClientIp } from '#tests/support/app_process'
import { createMerchantWithToken } from '#tests/support/merchants'
import { buildCoffeeMenu } from '#tests/functional/menu/menu_helpers'
import { expectStatus } from '#tests/support/http'
import { accountMailWorkers } from '#tests/support/workers'

async function statusOf(request: PromiseLike<{ status(): number }>) {
  const response = await request
  return response.status()
}

const PASSWORD = 'a-long-enough-password'

function signUpBody(
  overrides: Record<string, unknown> = {},
  merchant: Record<string, unknown> = {}
) {
  const slug = `s-${randomUUID().slice(0, 8)}`
  return {
    email: `owner@${slug}.test`,
    password: PASSWORD,
    full_name: 'Ada Owner',
    merchant: {
      name: `Shop ${slug}`,
      slug,
      vertical: 'coffeeshop',
      timezone: 'Europe/Rome',
      ...merchant,
    },
    ...overrides,
  } as {
    email: string
    password: string
    full_name: string
    merchant: { name: string; slug: string; vertical: string; timezone: string }
  }
}

function signUp(client: ApiClient, body: object, ip = randomClientIp()) {
  return client.post('/api/v1/auth/sign-up').header('X-Forwarded-For', ip).json(body)
}

/** A sign-up that must succeed: its session (token, user, merchant). */
async function signedUp(client: ApiClient, body: object) {
  const response = await expectStatus(signUp(client, body), 201)
  return response.body()
}

function verify(client: ApiClient, token: string) {
  return client
    .post('/api/v1/auth/verify-email')
    .header('X-Forwarded-For', randomClientIp())
    .json({ token })
}

/** The single-use token in a verification link: `.../admin/verify#token=<token>`. */
function linkToken(mail: { data: string }) {
  // Quoted-printable or not, the link sits on one line; undo soft breaks first.
  const text = mail.data
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
  const match = /\/admin\/verify#token=([A-Za-z0-9_%-]+)/.exec(text)
  if (!match) throw new Error(`no verification link in:\n${text}`)
  return decodeURIComponent(match[1])
}

async function auditActions(resourceId: string) {
  const rows = await db
    .connection('control')
    .from('audit_log')
    .where('resource_id', resourceId)
    .select('action')
  return rows.map((row) => row.action)
}

test.group('Sign-up: account, merchant, verification', (group) => {
  let workers: WorkerPool | undefined
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  group.each.setup(async () => {
    smtp = await startSmtpServer()
    env.set('SMTP_HOST', '127.0.0.1')
    env.set('SMTP_PORT', smtp.port)
  })
  group.each.teardown(async () => {
    await workers?.stop()
    workers = undefined
    await smtp.close()
  })

  function mailTo(address: string) {
    return eventually(`mail to ${address}`, () =>
      smtp.received.find((mail) => mail.to.includes(`<${address}>`))
    )
  }

  test('happy path: signed in at once, not live until the mailed link is followed, then live', async ({
    client,
    assert,
  }) => {
    workers = accountMailWorkers()
    const body = signUpBody()
    const response = await signUp(client, body)
    response.assertStatus(201)
    const session = response.body()
    assert.match(session.token, /^gud_/)
    assert.equal(session.merchant.slug, body.merchant.slug)
    assert.equal(session.merchant.role, 'owner')
    assert.equal(session.user.email, body.email)
    assert.deepEqual(session.memberships, [
      { merchant_id: session.merchant.id, slug: body.merchant.slug, role: 'owner' },
    ])

    const merchant = await db
      .connection('control')
      .from('merchants')
      .where('id', session.merchant.id)
      .first()
    assert.equal(merchant.tier, 'digital_menu')
    assert.equal(merchant.timezone, 'Europe/Rome')
    assert.isNull(merchant.published_at)

    // The owner is signed in: the backoffice works, the public pages do not exist yet.
    const me = await client.get('/api/v1/auth/me').bearerToken(session.token)
    me.assertStatus(200)
    assert.equal(me.body().merchant.id, session.merchant.id)
    const hidden = await client.get(`/api/v1/menus/${body.merchant.slug}`)
    hidden.assertStatus(404)
    assert.equal(hidden.body().errors[0].code, 'E_MERCHANT_NOT_FOUND')
    const unknown = await client.get(`/api/v1/menus/no-such-${body.merchant.slug}`)
    assert.deepEqual(hidden.body(), unknown.body(), 'same answer as an unknown merchant')
    await expectStatus(client.get(`/m/${body.merchant.slug}`), 404)
    await expectStatus(client.get(`/m/${body.merchant.slug}/manifest.webmanifest`), 404)
    await expectStatus(
      client.get('/api/v1/tenancy/merchant').header('X-Merchant', body.merchant.slug),
      404
    )
    // Its own staff can still look at it.
    await expectStatus(
      client.get(`/api/v1/menus/${body.merchant.slug}`).bearerToken(session.token),
      200
    )

    const before = await client.get('/api/v1/tenancy/onboarding').bearerToken(session.token)
    before.assertStatus(200)
    assert.isFalse(before.body().published)
    assert.isFalse(before.body().steps.find((s: any) => s.id === 'verify_email').done)

    const mail = await mailTo(body.email)
    assert.include(mail.data, 'Verify your email address')
    const token = linkToken(mail)
    const stored = await db
      .connection('control')
      .from('account_tokens')
      .where('user_id', session.user.id)
      .first()
    assert.notEqual(stored.token_hash, token, 'only a digest is stored')
    assert.equal(stored.kind, 'verify_email')

    const verified = await verify(client, token)
    verified.assertStatus(200)
    assert.deepEqual(verified.body(), {
      email_verified: true,
      published_merchants: [body.merchant.slug],
    })

    await expectStatus(client.get(`/api/v1/menus/${body.merchant.slug}`), 200)
    await expectStatus(client.get(`/m/${body.merchant.slug}`), 200)
    const after = await client.get('/api/v1/tenancy/onboarding').bearerToken(session.token)
    assert.isTrue(after.body().published)
    assert.isTrue(after.body().steps.find((s: any) => s.id === 'verify_email').done)

    assert.includeMembers(await auditActions(session.user.id), [
      'account.signed_up',
      'account.email_verified',
    ])
  })

  test('a used link is refused with E_TOKEN_USED; an expired one with E_TOKEN_EXPIRED; garbage with E_TOKEN_INVALID', async ({
    client,
    assert,
  }) => {
    const body = signUpBody()
    const session = await signedUp(client, body)
    const issue = () =>
      db
        .connection('control')
        .transaction((trx) => accountTokens.issue(trx, 'verify_email', session.user.id, '24 hours'))

    const expired = await issue()
    await db.connection('control').rawQuery(
      `UPDATE account_tokens SET expires_at = now() - interval '1 minute'
          WHERE user_id = ? AND used_at IS NULL`,
      [session.user.id]
    )
    const late = await verify(client, expired)
    late.assertStatus(410)
    assert.equal(late.body().errors[0].code, 'E_TOKEN_EXPIRED')
    await expectStatus(client.get(`/api/v1/menus/${body.merchant.slug}`), 404)

    const fresh = await issue()
    await expectStatus(verify(client, fresh), 200)
    const again = await verify(client, fresh)
    again.assertStatus(410)
    assert.equal(again.body().errors[0].code, 'E_TOKEN_USED')

    for (const token of ['x'.repeat(43), 'short', fresh.slice(0, 42) + '!']) {
      const bad = await verify(client, token)
      bad.assertStatus(410)
      assert.equal(bad.body().errors[0].code, 'E_TOKEN_INVALID')
    }
    const missing = await client
      .post('/api/v1/auth/verify-email')
      .header('X-Forwarded-For', randomClientIp())
      .json({})
    missing.assertStatus(422)
    assert.equal(missing.body().errors[0].code, 'E_VALIDATION')
  })

  test('a taken email is refused (409 E_EMAIL_TAKEN), creates nothing, and its owner gets one notice', async ({
    client,
    assert,
  }) => {
    const existing = await createMerchantWithToken()
    const body = signUpBody({ email: existing.email.toUpperCase() })
    const refused = await signUp(client, body)
    refused.assertStatus(409)
    assert.equal(refused.body().errors[0].code, 'E_EMAIL_TAKEN')
    assert.equal(refused.body().errors[0].field, 'email')
    assert.notExists(
      await db.connection('control').from('merchants').where('slug', body.merchant.slug).first()
    )
    await expectStatus(signUp(client, signUpBody({ email: existing.email })), 409)
    const notices = await db
      .connection('control')
      .from('account_mails')
      .where({ recipient: existing.email, kind: 'sign_up_attempt' })
    assert.lengthOf(notices, 1, 'one notice per hour, however many attempts')
    const refusals = await db
      .connection('control')
      .from('audit_log')
      .where({ action: 'account.sign_up_refused', resource_id: loginAccountKey(existing.email) })
      .count('* as n')
      .first()
    assert.equal(Number(refusals.n), 2, 'each refusal audited, keyed by a digest of the address')
  })

  test('a taken or reserved slug is refused with a code and creates no account', async ({
    client,
    assert,
  }) => {
    const existing = await createMerchantWithToken()
    const body = signUpBody({}, { slug: existing.slug.toUpperCase() })
    const taken = await signUp(client, body)
    taken.assertStatus(409)
    assert.equal(taken.body().errors[0].code, 'E_CONFLICT')
    assert.equal(taken.body().errors[0].field, 'slug')
    assert.notExists(
      await db.connection('control').from('users').where('email', body.email).first()
    )
    const reserved = await signUp(client, signUpBody({}, { slug: 'admin' }))
    reserved.assertStatus(422)
    assert.equal(reserved.body().errors[0].field, 'merchant.slug')
  })

  test('bad input is a 4xx with a code, never a 500', async ({ client, assert }) => {
    const cases: Array<[object, number, string, string?]> = [
      [signUpBody({ password: 'short-pw' }), 422, 'E_WEAK_PASSWORD', 'password'],
      [signUpBody({}, { timezone: 'Mars/Olympus' }), 422, 'E_VALIDATION', 'merchant.timezone'],
      [signUpBody({}, { vertical: 'bakery' }), 422, 'E_VALIDATION', 'merchant.vertical'],
      [signUpBody({}, { slug: '-bad-' }), 422, 'E_VALIDATION', 'merchant.slug'],
      [signUpBody({ email: 'not-an-email' }), 422, 'E_VALIDATION', 'email'],
      [{ ...signUpBody(), merchant: undefined }, 422, 'E_VALIDATION', 'merchant'],
      [signUpBody({ full_name: '' }), 422, 'E_VALIDATION', 'full_name'],
      [signUpBody({ password: 'x'.repeat(500) }), 422, 'E_VALIDATION', 'password'],
    ]
    for (const [body, status, code, field] of cases) {
      const response = await signUp(client, body)
      assert.equal(response.status(), status, JSON.stringify(response.body()))
      assert.equal(response.body().errors[0].code, code)
      if (field) assert.equal(response.body().errors[0].field, field)
    }
  })

  test('sign-ups are throttled per client address (5 an hour), whatever merchant or token the request carries', async ({
    client,
    assert,
  }) => {
    const existing = await createMerchantWithToken()
    const ip = randomClientIp()
    const statuses: number[] = []
    for (let i = 0; i < 5; i++)
      statuses.push(await statusOf(signUp(client, signUpBody({ password: 'short-pw' }), ip)))
    const named = await client
      .post('/api/v1/auth/sign-up')
      .header('X-Forwarded-For', ip)
      .header('X-Merchant', existing.slug)
      .json(signUpBody())
    statuses.push(named.status())
    // A token (every sign-up returns one) does not buy a fresh budget either.
    const withToken = await client
      .post('/api/v1/auth/sign-up')
      .header('X-Forwarded-For', ip)
      .bearerToken(existing.token)
      .json(signUpBody())
    statuses.push(withToken.status())
    assert.deepEqual(statuses, [422, 422, 422, 422, 422, 429, 429])
    assert.equal(named.body().errors[0].code, 'E_TOO_MANY_REQUESTS')
    // Another client is not affected.
    await expectStatus(signUp(client, signUpBody()), 201)
  })

  test('resend: signed in only, retires the earlier link, refused once verified, throttled', async ({
    client,
    assert,
  }) => {
    workers = accountMailWorkers()
    const body = signUpBody()
    const session = await signedUp(client, body)
    const first = linkToken(await mailTo(body.email))

    const anonymous = await client.post('/api/v1/auth/verify-email/resend')
    anonymous.assertStatus(401)
    assert.equal(anonymous.body().errors[0].code, 'E_UNAUTHORIZED')

    const resent = await client.post('/api/v1/auth/verify-email/resend').bearerToken(session.token)
    resent.assertStatus(202)
    assert.equal(resent.body().sent_to, body.email)
    const second = await eventually('second mail', () => {
      const mails = smtp.received.filter((mail) => mail.to.includes(`<${body.email}>`))
      return mails.length >= 2 ? linkToken(mails[1]) : undefined
    })
    assert.notEqual(first, second)
    const old = await verify(client, first)
    assert.equal(old.status(), 410, 'the earlier link no longer works')
    await expectStatus(verify(client, second), 200)

    const done = await client.post('/api/v1/auth/verify-email/resend').bearerToken(session.token)
    done.assertStatus(409)
    assert.equal(done.body().errors[0].code, 'E_EMAIL_ALREADY_VERIFIED')

    const other = await signedUp(client, signUpBody())
    const statuses: number[] = []
    for (let i = 0; i < 4; i++)
      statuses.push(
        await statusOf(client.post('/api/v1/auth/verify-email/resend').bearerToken(other.token))
      )
    assert.deepEqual(statuses, [202, 202, 202, 429])
  })
})

test.group('Onboarding checklist', () => {
  test("steps come from the merchant's own data; another merchant's is not reachable", async ({
    client,
    assert,
  }) => {
    const mine = await createMerchantWithToken({ tier: 'pre_ordering' })
    const other = await createMerchantWithToken({ tier: 'pre_ordering' })
    await buildCoffeeMenu(client, other.token)

    const checklist = await client.get('/api/v1/tenancy/onboarding').bearerToken(mine.token)
    checklist.assertStatus(200)
    const steps = Object.fromEntries(checklist.body().steps.map((s: any) => [s.id, s]))
    assert.sameMembers(Object.keys(steps), [
      'verify_email',
      'menu_item',
      'pickup_slots',
      'notification_channels',
      'qr_codes',
    ])
    assert.isFalse(steps.menu_item.done, "the other merchant's items do not count")
    assert.isFalse(steps.qr_codes.available)
    assert.equal(checklist.body().total, 4)

    await buildCoffeeMenu(client, mine.token)
    const after = await client.get('/api/v1/tenancy/onboarding').bearerToken(mine.token)
    assert.isTrue(after.body().steps.find((s: any) => s.id === 'menu_item').done)

    const mismatch = await client
      .get('/api/v1/tenancy/onboarding')
      .bearerToken(mine.token)
      .header('X-Merchant', other.slug)
    mismatch.assertStatus(403)
    assert.equal(mismatch.body().errors[0].code, 'E_MERCHANT_MISMATCH')
    const anonymous = await client
      .get('/api/v1/tenancy/onboarding')
      .header('X-Merchant', other.slug)
    assert.include([401, 403], anonymous.status())
  })

  test('a digital_menu merchant has no pickup or notification steps (modules it does not have)', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchantWithToken({ tier: 'digital_menu' })
    const checklist = await client.get('/api/v1/tenancy/onboarding').bearerToken(shop.token)
    checklist.assertStatus(200)
    assert.sameMembers(
      checklist.body().steps.map((s: any) => s.id),
      ['verify_email', 'menu_item', 'qr_codes']
    )
  })
})
