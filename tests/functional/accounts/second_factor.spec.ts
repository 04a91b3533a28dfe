import { test } from '@japa/runner'
import { eventually } from '#tests/support/eventually'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import User from '#tenancy/models/user'
import { secondFactorLockout } from '#tenancy/services/second_factors'
import { createMerchant, issueToken, login, TEST_PASSWORD } from '#tests/support/merchants'
import { randomClientIp } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'
import { codeAt, enrolSecondFactor, loginWithSecondFactor } from '#tests/support/second_factor'
import { supportToken } from '#tests/functional/compliance/helpers'

const control = () => db.connection('control')

/** Every request from a fresh client address: the per-client limit is not what these tests are about. */
function call(
  client: ApiClient,
  method: 'get' | 'post' | 'delete',
  path: string,
  token?: string,
  body?: Record<string, unknown>
) {
  const url = `/api/v1/auth${path}`
  const request =
    method === 'get' ? client.get(url) : method === 'post' ? client.post(url) : client.delete(url)
  request.header('X-Forwarded-For', randomClientIp())
  if (token) request.bearerToken(token)
  return body ? request.json(body as never) : request
}

function firstStep(client: ApiClient, email: string, password = TEST_PASSWORD) {
  return call(client, 'post', '/login', undefined, { email, password })
}

async function newChallenge(client: ApiClient, email: string): Promise<string> {
  const response = await firstStep(client, email)
  response.assertStatus(200)
  return response.body().challenge
}

async function statusOf(client: ApiClient, token: string) {
  const response = await call(client, 'get', '/second-factor', token)
  response.assertStatus(200)
  return response.body()
}

const errorCode = (response: { body(): any }) => response.body().errors?.[0]?.code

/** An owner who enrolled and confirmed through the API: token, secret and recovery codes. */
async function ownerWithFactor(client: ApiClient) {
  const created = await createMerchant()
  const token = await login(client, created.email)
  const started = await call(client, 'post', '/second-factor', token, { password: TEST_PASSWORD })
  started.assertStatus(200)
  const secret: string = started.body().secret
  const confirmed = await call(client, 'post', '/second-factor/confirm', token, {
    code: codeAt(secret),
  })
  confirmed.assertStatus(200)
  return { ...created, token, secret, recoveryCodes: confirmed.body().recovery_codes as string[] }
}

async function auditActions(userId: string) {
  const rows = await control()
    .from('audit_log')
    .where('resource_id', userId)
    .whereLike('action', 'auth.second_factor.%')
    .orderBy('id')
  return rows.map((row) => row.action as string)
}

test.group('second factor: enrolment and login', () => {
  test('enrol, confirm, then login asks for a code and answers what login answers', async ({
    client,
    assert,
  }) => {
    const { email, merchant } = await createMerchant()
    const token = await login(client, email)
    const user = await User.findByOrFail('email', email)

    const started = await call(client, 'post', '/second-factor', token, { password: TEST_PASSWORD })
    started.assertStatus(200)
    const { secret, otpauth_uri: uri } = started.body()
    assert.match(secret, /^[A-Z2-7]{32}$/)
    assert.match(uri, /^otpauth:\/\/totp\//)
    assert.include(uri, `secret=${secret}`)
    const stored = await control().from('user_second_factors').where('user_id', user.id).first()
    assert.notInclude(stored.secret, secret, 'the secret is encrypted at rest')
    assert.isNull(stored.confirmed_at)

    // A pending secret is not active: login still answers with a token.
    const beforeConfirm = await firstStep(client, email)
    beforeConfirm.assertStatus(200)
    assert.isString(beforeConfirm.body().token)
    assert.deepInclude(await statusOf(client, token), {
      enabled: false,
      pending: true,
    })

    const wrong = await call(client, 'post', '/second-factor/confirm', token, { code: '000000' })
    wrong.assertStatus(401)
    assert.equal(errorCode(wrong), 'E_SECOND_FACTOR_INVALID_CODE')

    const confirmCode = codeAt(secret)
    const confirmed = await call(client, 'post', '/second-factor/confirm', token, {
      code: confirmCode,
    })
    confirmed.assertStatus(200)
    const codes: string[] = confirmed.body().recovery_codes
    assert.lengthOf(codes, 10)
    assert.equal(confirmed.body().signed_out_sessions, 1, 'the password-only session ends')
    await eventually('the password-only session is refused', async () => {
      const me = await client.get('/api/v1/auth/me').bearerToken(beforeConfirm.body().token)
      return me.status() === 401
    })
    const stillIn = await client.get('/api/v1/auth/me').bearerToken(token)
    stillIn.assertStatus(200)
    assert.lengthOf(new Set(codes), 10)
    const hashes = await control().from('user_recovery_codes').where('user_id', user.id)
    assert.lengthOf(hashes, 10)
    assert.notInclude(JSON.stringify(hashes), codes[0])
    const status = await statusOf(client, token)
    assert.deepInclude(status, { enabled: true, pending: false, recovery_codes_left: 10 })
    const mails = await control()
      .from('account_mails')
      .where({ user_id: user.id, kind: 'second_factor_changed' })
    assert.lengthOf(mails, 1)

    const first = await firstStep(client, email)
    first.assertStatus(200)
    assert.isTrue(first.body().second_factor_required)
    assert.notProperty(first.body(), 'token')
    assert.match(first.body().challenge, /^sfc_/)
    const storedChallenge = await control()
      .from('second_factor_challenges')
      .where('user_id', user.id)
    assert.lengthOf(storedChallenge, 1)
    assert.notEqual(storedChallenge[0].token_hash, first.body().challenge)

    // The code that confirmed the enrolment was spent: the next step's code is accepted.
    const reused = await call(client, 'post', '/login/second-factor', undefined, {
      challenge: first.body().challenge,
      code: confirmCode,
    })
    reused.assertStatus(401)
    assert.equal(errorCode(reused), 'E_SECOND_FACTOR_INVALID_CODE')
    const next = codeAt(secret, 1)
    const done = await call(client, 'post', '/login/second-factor', undefined, {
      challenge: first.body().challenge,
      code: `${next.slice(0, 3)} ${next.slice(3)}`,
    })
    done.assertStatus(200)
    const body = done.body()
    assert.isString(body.token)
    assert.equal(body.user.email, email)
    assert.equal(body.merchant.id, merchant.id)
    assert.lengthOf(body.memberships, 1)
    assert.deepEqual(Object.keys(body).sort(), Object.keys(beforeConfirm.body()).sort())
    await expectStatus(call(client, 'get', '/me', body.token), 200)

    assert.includeMembers(await auditActions(user.id), [
      'auth.second_factor.enrolment_started',
      'auth.second_factor.code_failed',
      'auth.second_factor.enabled',
    ])
  })

  test('a code is accepted once, even by two sign-ins', async ({ client, assert }) => {
    const { email, secret } = await ownerWithFactor(client)
    const code = codeAt(secret, 1)
    const a = await newChallenge(client, email)
    const b = await newChallenge(client, email)
    const answers = await Promise.all(
      [a, b].map((challenge) =>
        call(client, 'post', '/login/second-factor', undefined, { challenge, code })
      )
    )
    assert.sameMembers(
      answers.map((r) => r.status()),
      [200, 401]
    )
  })

  test('recovery codes work once each; regenerating replaces them', async ({ client, assert }) => {
    const { email, secret, recoveryCodes, token } = await ownerWithFactor(client)
    const user = await User.findByOrFail('email', email)
    const [first, second] = recoveryCodes

    // Case, spaces and dashes do not matter.
    const typed = ` ${first.toUpperCase().replace('-', ' ')} `
    assert.isString(await loginWithSecondFactor(client, email, { recovery_code: typed }))
    const again = await call(client, 'post', '/login/second-factor', undefined, {
      challenge: await newChallenge(client, email),
      recovery_code: first,
    })
    again.assertStatus(401)
    assert.equal(errorCode(again), 'E_SECOND_FACTOR_INVALID_CODE')
    const left = await statusOf(client, token)
    assert.equal(left.recovery_codes_left, 9)

    const regenerated = await call(client, 'post', '/second-factor/recovery-codes', token, {
      code: codeAt(secret, 1),
    })
    regenerated.assertStatus(200)
    assert.lengthOf(regenerated.body().recovery_codes, 10)
    const old = await call(client, 'post', '/login/second-factor', undefined, {
      challenge: await newChallenge(client, email),
      recovery_code: second,
    })
    old.assertStatus(401)
    assert.isString(
      await loginWithSecondFactor(client, email, {
        recovery_code: regenerated.body().recovery_codes[0],
      })
    )
    assert.includeMembers(await auditActions(user.id), [
      'auth.second_factor.recovery_code_used',
      'auth.second_factor.recovery_codes_regenerated',
    ])
  })

  test('a challenge is single use and expires', async ({ client, assert }) => {
    const { email, secret, recoveryCodes } = await ownerWithFactor(client)
    const challenge = await newChallenge(client, email)
    await call(client, 'post', '/login/second-factor', undefined, {
      challenge,
      recovery_code: recoveryCodes[0],
    }).then((r) => r.assertStatus(200))
    const reused = await call(client, 'post', '/login/second-factor', undefined, {
      challenge,
      code: codeAt(secret, 1),
    })
    reused.assertStatus(401)
    assert.equal(errorCode(reused), 'E_SECOND_FACTOR_CHALLENGE_INVALID')

    const late = await firstStep(client, email)
    const user = await User.findByOrFail('email', email)
    await control()
      .from('second_factor_challenges')
      .where('user_id', user.id)
      .update({ expires_at: new Date(Date.now() - 1000) })
    const expired = await call(client, 'post', '/login/second-factor', undefined, {
      challenge: late.body().challenge,
      code: codeAt(secret, 1),
    })
    expired.assertStatus(401)
    assert.equal(errorCode(expired), 'E_SECOND_FACTOR_CHALLENGE_INVALID')

    const made = await call(client, 'post', '/login/second-factor', undefined, {
      challenge: `sfc_${randomUUID()}`,
      code: codeAt(secret, 1),
    })
    assert.equal(errorCode(made), 'E_SECOND_FACTOR_CHALLENGE_INVALID')
  })

  test('wrong codes lock the account second-factor step, from any client; audited', async ({
    client,
    assert,
  }) => {
    const { email, secret } = await ownerWithFactor(client)
    const user = await User.findByOrFail('email', email)
    const challenge = await newChallenge(client, email)
    const right = codeAt(secret, 1)
    const wrongCode = right === '123456' ? '654321' : '123456'
    const statuses: number[] = []
    for (let i = 0; i < secondFactorLockout.requests; i++) {
      const answer = await call(client, 'post', '/login/second-factor', undefined, {
        challenge,
        code: wrongCode,
      })
      statuses.push(answer.status())
    }
    assert.deepEqual(statuses, Array(secondFactorLockout.requests).fill(401))
    const locked = await call(client, 'post', '/login/second-factor', undefined, {
      challenge,
      code: right,
    })
    locked.assertStatus(429)
    assert.equal(errorCode(locked), 'E_SECOND_FACTOR_LOCKED')
    const actions = await auditActions(user.id)
    assert.lengthOf(
      actions.filter((a) => a === 'auth.second_factor.code_failed'),
      secondFactorLockout.requests
    )
    assert.include(actions, 'auth.second_factor.locked')
    const audit = await control()
      .from('audit_log')
      .where({ resource_id: user.id, action: 'auth.second_factor.locked' })
      .first()
    assert.isNotNull(audit.ip_address)
  })

  test('the per-client sign-in limit covers the second step', async ({ client, assert }) => {
    const ip = randomClientIp()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const answer = await client
        .post('/api/v1/auth/login/second-factor')
        .header('X-Forwarded-For', ip)
        .json({ challenge: `sfc_${randomUUID()}`, code: '123456' })
      statuses.push(answer.status())
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429])
  })

  test('disabling needs a code or a recovery code, mails the account, and login stops asking', async ({
    client,
    assert,
  }) => {
    const { email, token, recoveryCodes } = await ownerWithFactor(client)
    const user = await User.findByOrFail('email', email)
    const wrong = await call(client, 'delete', '/second-factor', token, { code: '000000' })
    wrong.assertStatus(401)
    await call(client, 'delete', '/second-factor', token, {
      recovery_code: recoveryCodes[3],
    }).then((r) => r.assertStatus(204))
    assert.isNull(await control().from('user_second_factors').where('user_id', user.id).first())
    assert.lengthOf(await control().from('user_recovery_codes').where('user_id', user.id), 0)
    const mails = await control()
      .from('account_mails')
      .where({ user_id: user.id, kind: 'second_factor_changed' })
    assert.lengthOf(mails, 2)
    const plain = await firstStep(client, email)
    assert.isString(plain.body().token)
    assert.include(await auditActions(user.id), 'auth.second_factor.disabled')
  })
})

test.group('second factor: platform support', () => {
  test('support without a factor gets no token; an operator enrols it', async ({
    client,
    assert,
  }) => {
    const email = `support-${randomUUID().slice(0, 8)}@gudbro.test`
    await User.create({ email, password: TEST_PASSWORD, platformRole: 'support' })
    const refused = await firstStep(client, email)
    refused.assertStatus(403)
    assert.equal(errorCode(refused), 'E_SECOND_FACTOR_ENROLMENT_REQUIRED')
    assert.notProperty(refused.body(), 'token')
    assert.notProperty(refused.body(), 'challenge')

    const { secret } = await enrolSecondFactor(email)
    const token = await loginWithSecondFactor(client, email, { code: codeAt(secret) })
    const admin = await client.get('/api/v1/admin/merchants').bearerToken(token)
    admin.assertStatus(200)
  })

  test('the admin API refuses a support token not issued through a second factor', async ({
    client,
    assert,
  }) => {
    const support = await supportToken(client)
    const passwordOnly = await issueToken(support.email)
    const refused = await client.get('/api/v1/admin/merchants').bearerToken(passwordOnly)
    refused.assertStatus(403)
    assert.equal(errorCode(refused), 'E_SECOND_FACTOR_REQUIRED')
    const gdpr = await client
      .post('/api/v1/admin/gdpr/exports')
      .bearerToken(passwordOnly)
      .json({ email: 'x@example.test', reason: 'ticket 1' })
    assert.equal(errorCode(gdpr), 'E_SECOND_FACTOR_REQUIRED')
    await expectStatus(client.get('/api/v1/admin/merchants').bearerToken(support.token), 200)
  })

  test('support cannot disable their factor', async ({ client, assert }) => {
    const support = await supportToken(client)
    const refused = await call(client, 'delete', '/second-factor', support.token, {
      code: codeAt(support.secret),
    })
    refused.assertStatus(403)
    assert.equal(errorCode(refused), 'E_SECOND_FACTOR_MANDATORY')
    assert.isNotNull(
      await control().from('user_second_factors').where('user_id', support.user.id).first()
    )
  })
})

test.group('second factor: other accounts and bad input', () => {
  test('another account cannot use or touch your factor', async ({ client, assert }) => {
    const alice = await ownerWithFactor(client)
    const bob = await createMerchant()
    const bobToken = await login(client, bob.email)

    // There are no ids in these routes: Bob only ever reaches his own (absent) factor.
    const disable = await call(client, 'delete', '/second-factor', bobToken, {
      code: codeAt(alice.secret, 1),
    })
    disable.assertStatus(409)
    assert.equal(errorCode(disable), 'E_SECOND_FACTOR_NOT_ENABLED')
    const confirm = await call(client, 'post', '/second-factor/confirm', bobToken, {
      code: codeAt(alice.secret, 1),
    })
    assert.equal(errorCode(confirm), 'E_SECOND_FACTOR_NOT_STARTED')
    const regenerate = await call(client, 'post', '/second-factor/recovery-codes', bobToken, {
      code: codeAt(alice.secret, 1),
    })
    assert.equal(errorCode(regenerate), 'E_SECOND_FACTOR_NOT_ENABLED')
    assert.deepInclude(await statusOf(client, bobToken), {
      enabled: false,
    })

    // Bob's factor's codes do not open Alice's challenge.
    const bobStarted = await call(client, 'post', '/second-factor', bobToken, {
      password: TEST_PASSWORD,
    })
    const bobSecret = bobStarted.body().secret
    await call(client, 'post', '/second-factor/confirm', bobToken, { code: codeAt(bobSecret) })
    const aliceChallenge = await newChallenge(client, alice.email)
    const crossed = await call(client, 'post', '/login/second-factor', undefined, {
      challenge: aliceChallenge,
      code: codeAt(bobSecret, 1),
    })
    if (codeAt(bobSecret, 1) !== codeAt(alice.secret, 1)) crossed.assertStatus(401)
    const aliceUser = await User.findByOrFail('email', alice.email)
    assert.isNotNull(
      await control()
        .from('user_second_factors')
        .where('user_id', aliceUser.id)
        .whereNotNull('confirmed_at')
        .first()
    )
  })

  test('bad input is a 4xx with a code, never a 500', async ({ client, assert }) => {
    const owner = await ownerWithFactor(client)
    const other = await createMerchant()
    const fresh = await login(client, other.email)
    const cases: Array<[ReturnType<typeof call>, number, string]> = [
      [call(client, 'post', '/second-factor'), 401, 'E_UNAUTHORIZED'],
      // Setting one up asks for the password: a stolen session alone cannot bind a factor.
      [call(client, 'post', '/second-factor', fresh, {}), 422, 'E_VALIDATION'],
      [
        call(client, 'post', '/second-factor', fresh, { password: 'not-the-password' }),
        403,
        'E_WRONG_PASSWORD',
      ],
      [
        call(client, 'post', '/second-factor/confirm', fresh, { code: 'abcdef' }),
        422,
        'E_VALIDATION',
      ],
      [
        call(client, 'post', '/second-factor/confirm', fresh, { code: 123456 }),
        422,
        'E_VALIDATION',
      ],
      [call(client, 'post', '/second-factor/confirm', fresh, {}), 422, 'E_VALIDATION'],
      [
        call(client, 'post', '/second-factor/confirm', fresh, { code: '123456' }),
        409,
        'E_SECOND_FACTOR_NOT_STARTED',
      ],
      [
        call(client, 'post', '/second-factor', owner.token, { password: TEST_PASSWORD }),
        409,
        'E_SECOND_FACTOR_ALREADY_ENABLED',
      ],
      [call(client, 'delete', '/second-factor', owner.token, {}), 422, 'E_VALIDATION'],
      [
        call(client, 'delete', '/second-factor', owner.token, { recovery_code: 'x'.repeat(100) }),
        422,
        'E_VALIDATION',
      ],
      [
        call(client, 'post', '/second-factor/recovery-codes', owner.token, { code: '12345' }),
        422,
        'E_VALIDATION',
      ],
      [
        call(client, 'post', '/login/second-factor', undefined, { code: '123456' }),
        422,
        'E_VALIDATION',
      ],
      [
        call(client, 'post', '/login/second-factor', undefined, { challenge: 'sfc_aaaaaaaaaaaa' }),
        422,
        'E_VALIDATION',
      ],
      [
        call(client, 'post', '/login/second-factor', undefined, {
          challenge: ['x'],
          code: '123456',
        }),
        422,
        'E_VALIDATION',
      ],
    ]
    for (const [request, status, code] of cases) {
      const response = await request
      assert.equal(response.status(), status, JSON.stringify(response.body()))
      assert.equal(errorCode(response), code)
    }
  })
})
