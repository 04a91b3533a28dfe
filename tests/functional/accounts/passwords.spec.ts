import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import User from '#tenancy/models/user'
import rateLimits, { passwordResetRequests } from '#config/rate_limits'
import { accountTokens, hashAccountToken } from '#tenancy/services/account_tokens'
import { randomClientIp } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'
import { eventually } from '#tests/support/eventually'
import { createMerchant, login, TEST_PASSWORD } from '#tests/support/merchants'
import { enrolSecondFactor } from '#tests/support/second_factor'
import {
  auditEntries,
  forgot,
  linkToken,
  mailTo,
  outbox,
  OTHER_STRONG_PASSWORD,
  reset,
  startMailDelivery,
  STRONG_PASSWORD,
} from './passwords_support.js'

/** A reset token issued directly (the mail path is covered by the first test). */
async function issueResetToken(email: string) {
  const user = await User.findByOrFail('email', email)
  const token = await db
    .connection('control')
    .transaction((trx) => accountTokens.issue(trx, 'password_reset', user.id, '30 minutes'))
  return { user, token }
}

test.group('Passwords: forgot and reset', (group) => {
  let mail: Awaited<ReturnType<typeof startMailDelivery>>
  group.each.setup(async () => {
    mail = await startMailDelivery()
    return () => mail.stop()
  })

  test('forgot → mail → reset: every old token dies, the old password fails, the new one works; audited', async ({
    client,
    assert,
  }) => {
    const { email, merchant } = await createMerchant()
    const before = await login(client, email)
    const second = await login(client, email)
    const me = await client.get('/api/v1/auth/me').bearerToken(before)
    me.assertStatus(200)

    const asked = await forgot(client, email.toUpperCase(), randomClientIp())
    asked.assertStatus(202)
    const text = await mailTo(mail.smtp, email, '/admin/reset-password#token=')
    const token = linkToken(text)
    const [stored] = await db
      .connection('control')
      .from('account_tokens')
      .where('token_hash', hashAccountToken(token))
    assert.equal(stored.kind, 'password_reset')
    assert.notInclude(JSON.stringify(stored), token, 'only the hash is stored')
    const minutes = (stored.expires_at.getTime() - stored.created_at.getTime()) / 60_000
    assert.approximately(minutes, 30, 0.1)

    const done = await reset(client, token, STRONG_PASSWORD, randomClientIp())
    done.assertStatus(204)

    for (const old of [before, second]) {
      const refused = await client.get('/api/v1/auth/me').bearerToken(old)
      refused.assertStatus(401)
    }
    const oldPassword = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email, password: TEST_PASSWORD })
    oldPassword.assertStatus(401)
    const fresh = await login(client, email, STRONG_PASSWORD, merchant.slug)
    const meAgain = await client.get('/api/v1/auth/me').bearerToken(fresh)
    meAgain.assertStatus(200)

    await mailTo(mail.smtp, email, 'password of your GUDBRO account was reset')
    const user = await User.findByOrFail('email', email)
    await eventually('audit entries', async () => {
      const requested = await auditEntries('auth.password_reset_requested', user.id)
      const resetDone = await auditEntries('auth.password_reset', user.id)
      return requested.length === 1 && resetDone.length === 1
    })
    const [entry] = await auditEntries('auth.password_reset', user.id)
    assert.equal(entry.new_values.revoked_tokens, 2)
  })

  test('an unknown address gets the same status and body, and no mail is written', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const unknown = `nobody-${randomUUID().slice(0, 8)}@nowhere.test`
    const known = await forgot(client, email, randomClientIp())
    const other = await forgot(client, unknown, randomClientIp())
    assert.equal(known.status(), 202)
    assert.equal(other.status(), known.status())
    assert.deepEqual(other.body(), known.body())
    assert.equal(other.header('content-type'), known.header('content-type'))
    await mailTo(mail.smtp, email, '/admin/reset-password#token=')
    assert.lengthOf(await outbox(unknown, 'password_reset'), 0)
  })

  test('per address: past the limit the same 202, and no more mails', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const limit = passwordResetRequests.perAccount.requests
    const answers: string[] = []
    for (let i = 0; i < limit + 2; i++) {
      // A new client address each time: only the per-address limit can stop these.
      const response = await forgot(client, i % 2 ? email.toUpperCase() : email, randomClientIp())
      answers.push(`${response.status()} ${JSON.stringify(response.body())}`)
    }
    assert.lengthOf(new Set(answers), 1, 'every answer identical')
    assert.match(answers[0], /^202 /)
    await eventually('mails written', async () => {
      const written = await outbox(email, 'password_reset')
      return written.length === limit
    })
    // Give a late (wrongly unthrottled) request time to show up before counting for good.
    await forgot(client, `nobody-${randomUUID()}@nowhere.test`, randomClientIp())
    assert.lengthOf(await outbox(email, 'password_reset'), limit)
  })

  test('per client: past the limit a 429 with a code, whatever addresses are named', async ({
    client,
    assert,
  }) => {
    const ip = randomClientIp()
    const statuses: number[] = []
    for (let i = 0; i <= rateLimits.password_forgot.requests; i++) {
      const response = await forgot(client, `x${i}-${randomUUID().slice(0, 6)}@nowhere.test`, ip)
      statuses.push(response.status())
      if (response.status() === 429)
        assert.equal(response.body().errors[0].code, 'E_TOO_MANY_REQUESTS')
    }
    assert.deepEqual(statuses, [...Array(rateLimits.password_forgot.requests).fill(202), 429])
  })

  test('a token works once; a used or superseded token is 410 E_TOKEN_USED, an expired one E_TOKEN_EXPIRED, a made-up one E_TOKEN_INVALID', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const { token: superseded } = await issueResetToken(email)
    const { token } = await issueResetToken(email)

    const expectRefused = async (value: string, code: string) => {
      const response = await reset(client, value, STRONG_PASSWORD, randomClientIp())
      response.assertStatus(410)
      assert.equal(response.body().errors[0].code, code)
    }
    await expectRefused(superseded, 'E_TOKEN_USED')
    await expectRefused('made-up-token', 'E_TOKEN_INVALID')

    await expectStatus(reset(client, token, STRONG_PASSWORD, randomClientIp()), 204)
    await expectRefused(token, 'E_TOKEN_USED')

    const { token: late } = await issueResetToken(email)
    await db
      .connection('control')
      .rawQuery(
        `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = ?`,
        [hashAccountToken(late)]
      )
    await expectRefused(late, 'E_TOKEN_EXPIRED')
    await login(client, email, STRONG_PASSWORD)
  })

  test('a reset removes the second factor of an account that never proved its address, not of one that did', async ({
    client,
    assert,
  }) => {
    const factorsOf = (userId: string) =>
      db.connection('control').from('user_second_factors').where('user_id', userId)
    for (const verified of [false, true]) {
      const { email } = await createMerchant()
      await db
        .connection('control')
        .from('users')
        .whereRaw('lower(email) = lower(?)', [email])
        .update({ email_verified_at: verified ? new Date() : null })
      await enrolSecondFactor(email)
      const { user, token } = await issueResetToken(email)
      await expectStatus(reset(client, token, STRONG_PASSWORD, randomClientIp()), 204)
      assert.lengthOf(await factorsOf(user.id), verified ? 1 : 0, `verified: ${verified}`)
    }
  })

  test('two uses of one token at once: exactly one sets the password', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const { token } = await issueResetToken(email)
    const [a, b] = await Promise.all([
      reset(client, token, STRONG_PASSWORD, randomClientIp()),
      reset(client, token, OTHER_STRONG_PASSWORD, randomClientIp()),
    ])
    assert.sameMembers([a.status(), b.status()], [204, 410])
  })

  test('weak passwords are refused with a reason, and the token stays usable', async ({
    client,
    assert,
  }) => {
    const { email, slug } = await createMerchant()
    const { token } = await issueResetToken(email)
    const weak = ['short1!', 'password1234', '1234567890ab', `${slug}${slug}`, 'x'.repeat(129)]
    for (const password of weak) {
      const response = await reset(client, token, password, randomClientIp())
      response.assertStatus(422)
      const [error] = response.body().errors
      assert.equal(error.code, 'E_WEAK_PASSWORD', password)
      assert.equal(error.field, 'password')
      assert.isAbove(error.message.length, 10)
    }
    const short = await reset(client, token, 'short1!', randomClientIp())
    assert.include(short.body().errors[0].message, '10 characters')
    await expectStatus(reset(client, token, STRONG_PASSWORD, randomClientIp()), 204)
  })

  test('a reset lifts a sign-in lockout', async ({ client }) => {
    const { email } = await createMerchant()
    for (let i = 0; i < 5; i++)
      await client
        .post('/api/v1/auth/login')
        .header('X-Forwarded-For', randomClientIp())
        .json({ email, password: 'wrong-password' })
    const locked = await client
      .post('/api/v1/auth/login')
      .header('X-Forwarded-For', randomClientIp())
      .json({ email, password: TEST_PASSWORD })
    locked.assertStatus(429)
    const { token } = await issueResetToken(email)
    await expectStatus(reset(client, token, STRONG_PASSWORD, randomClientIp()), 204)
    await login(client, email, STRONG_PASSWORD)
  })

  test('bad input is a 4xx with a code', async ({ client, assert }) => {
    const cases = [
      () => forgot(client, undefined, randomClientIp()),
      () => forgot(client, 'not-an-email', randomClientIp()),
      () => forgot(client, ['a@b.test'], randomClientIp()),
      () => forgot(client, `${'a'.repeat(260)}@x.test`, randomClientIp()),
      () => reset(client, undefined, STRONG_PASSWORD, randomClientIp()),
      () => reset(client, 'x'.repeat(500), STRONG_PASSWORD, randomClientIp()),
      () => reset(client, 'token', undefined, randomClientIp()),
      () => reset(client, { $ne: null }, STRONG_PASSWORD, randomClientIp()),
      () => reset(client, 'token', 12345678901234, randomClientIp()),
    ]
    for (const send of cases) {
      const response = await send()
      assert.isAtLeast(response.status(), 400)
      assert.isBelow(response.status(), 500)
      assert.match(response.body().errors[0].code, /^E_[A-Z_]+$/)
    }
  })
})
