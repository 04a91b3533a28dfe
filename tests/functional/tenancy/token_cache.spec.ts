import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { AccessToken } from '@adonisjs/auth/access_tokens'
import User, { ACCESS_TOKENS } from '#tenancy/models/user'
import { authService } from '#tenancy/services/auth_service'
import { tokenUsage } from '#tenancy/services/token_usage'
import { verifiedTokens, type VerifiedToken } from '#tenancy/services/verified_tokens'
import { accessRevocations } from '#core/revocation/access_revocations'
import { startAppProcess } from '#tests/support/app_process'
import { addMember, createMerchant, login } from '#tests/support/merchants'
import { eventually } from '#tests/support/eventually'
import { supportToken } from '../compliance/helpers.js'

/** Revocation reaches every process within a second (docs/decisions/token-cache.md). */
const REVOKED_WITHIN_MS = 1000
/** How long warming up may take: the first requests of a process subscribe and fill the cache. */
const WARM_WITHIN_MS = 10_000

const here = () => `http://${process.env.HOST}:${process.env.PORT}`

const tokenId = (token: string) => AccessToken.decode(ACCESS_TOKENS.prefix, token)!.identifier

/** The staff read route (token, membership, one shard read) with the token, in one process. */
async function read(base: string, token: string) {
  const response = await fetch(`${base}/api/v1/tenancy/locations`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const body = (await response.json()) as { errors?: Array<{ code: string }> }
  return { status: response.status, code: body.errors?.[0]?.code }
}

async function statusOf(base: string, token: string) {
  const { status } = await read(base, token)
  return status
}

/** That process's count of token checks with this outcome (hit: answered from memory). */
async function tokenChecks(base: string, outcome: 'hit' | 'bypass' = 'hit') {
  const response = await fetch(`${base}/metrics`)
  const text = await response.text()
  const line = new RegExp(
    `^auth_token_cache_lookups_total\\{outcome="${outcome}"[^}]*\\} (\\d+)`,
    'm'
  ).exec(text)
  return line ? Number(line[1]) : 0
}

/** Uses the token in each process until that process answers it from memory. */
async function warm(token: string, bases: string[]) {
  for (const base of bases) {
    await eventually(
      `token served from the cache of ${base}`,
      async () => {
        const before = await tokenChecks(base)
        const response = await read(base, token)
        if (response.status !== 200) throw new Error(`warming up: ${JSON.stringify(response)}`)
        return (await tokenChecks(base)) > before
      },
      WARM_WITHIN_MS,
      10
    )
  }
}

/** Polls every process until each refuses the token with `status`; fails past the deadline. */
async function refusedEverywhere(token: string, bases: string[], status: number) {
  await Promise.all(
    bases.map(async (base) => {
      let last: Awaited<ReturnType<typeof read>> | undefined
      await eventually(
        `token refused (${status}) by ${base}`,
        async () => {
          last = await read(base, token)
          return last.status === status
        },
        REVOKED_WITHIN_MS,
        10
      ).catch((error: Error) => {
        throw new Error(`${error.message}; its last answer: ${JSON.stringify(last)}`)
      })
    })
  )
}

async function lastUsedAt(id: string) {
  const row = await db
    .connection('control')
    .from(ACCESS_TOKENS.table)
    .where('id', id)
    .select('last_used_at')
    .first()
  return (row?.last_used_at ?? null) as Date | null
}

test.group('Tenancy: verified tokens are cached and revoked in every process', (group) => {
  let other: Awaited<ReturnType<typeof startAppProcess>>
  const both = () => [here(), other.url]

  group.setup(async () => {
    other = await startAppProcess()
    return () => other.stop()
  })

  test('signing out refuses that token in every process at once; the same user’s other token stays', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    const secondDevice = await login(client, email)
    await warm(token, both())
    await warm(secondDevice, both())

    const signedOut = await client.post('/api/v1/auth/logout').bearerToken(token)
    signedOut.assertStatus(204)
    await refusedEverywhere(token, both(), 401)
    for (const base of both()) assert.equal(await statusOf(base, secondDevice), 200)
  })

  test('deleting one of a user’s tokens refuses it in every process; the others stay', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const kept = await login(client, email)
    const deleted = await login(client, email)
    await warm(kept, both())
    await warm(deleted, both())
    const user = await User.findByOrFail('email', email)

    await authService.deleteToken(user.id, tokenId(deleted))
    await refusedEverywhere(deleted, both(), 401)
    for (const base of both()) assert.equal(await statusOf(base, kept), 200)
  })

  test('removing a member refuses their token in every process; the owner’s stays', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchant()
    const support = await supportToken(client)
    const manager = await addMember(client, shop.merchant.id)
    const owner = await login(client, shop.email)
    await warm(manager.token, both())
    await warm(owner, both())

    const removed = await client
      .delete(`/api/v1/admin/merchants/${shop.merchant.slug}/members/${manager.user.id}`)
      .bearerToken(support.token)
      .json({ reason: 'left the team' })
    removed.assertStatus(204)
    await refusedEverywhere(manager.token, both(), 401)
    for (const base of both()) assert.equal(await statusOf(base, owner), 200)
  })

  test('suspending a merchant refuses its staff in every process; other merchants’ staff stay', async ({
    client,
    assert,
  }) => {
    const shop = await createMerchant()
    const bystander = await createMerchant()
    const support = await supportToken(client)
    const token = await login(client, shop.email)
    const bystanderToken = await login(client, bystander.email)
    await warm(token, both())
    await warm(bystanderToken, both())

    const suspended = await client
      .post(`/api/v1/admin/merchants/${shop.merchant.slug}/suspend`)
      .bearerToken(support.token)
      .json({ reason: 'unpaid invoices' })
    suspended.assertStatus(200)
    await refusedEverywhere(token, both(), 403)
    for (const base of both()) {
      assert.deepEqual(await read(base, token), { status: 403, code: 'E_MERCHANT_SUSPENDED' })
      assert.equal(await statusOf(base, bystanderToken), 200)
    }
  })

  test('erasing an account (GDPR) refuses its tokens in every process', async ({ client }) => {
    const shop = await createMerchant()
    const support = await supportToken(client)
    const manager = await addMember(client, shop.merchant.id)
    await warm(manager.token, both())

    const erased = await client
      .post('/api/v1/admin/gdpr/erasures')
      .bearerToken(support.token)
      .json({ email: manager.email, reason: 'ticket #1: erasure' })
    erased.assertStatus(201)
    await refusedEverywhere(manager.token, both(), 401)
  })

  test('a wrong secret for a cached token id is refused; the real token still works', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    await warm(token, both())
    const [identifier] = token.slice(ACCESS_TOKENS.prefix.length).split('.')
    const otherSecret = Buffer.from('not-the-secret-at-all-0123456789abcd').toString('base64url')
    const forged = `${ACCESS_TOKENS.prefix}${identifier}.${otherSecret}`
    // The real token with its last character changed: only the hash comparison can refuse it.
    const nearMiss = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`

    for (const base of both()) {
      assert.deepEqual(await read(base, forged), { status: 401, code: 'E_UNAUTHORIZED' })
      assert.deepEqual(await read(base, nearMiss), { status: 401, code: 'E_UNAUTHORIZED' })
      assert.equal(await statusOf(base, token), 200)
    }
  })

  test('an expired token is refused, also when it was cached before it expired', async ({
    assert,
  }) => {
    const shop = await createMerchant()
    const user = await User.findByOrFail('email', shop.email)
    const abilities = [`merchant:${shop.merchant.id}`]
    const expired = await User.accessTokens.create(user, abilities)
    await db
      .connection('control')
      .from(ACCESS_TOKENS.table)
      .where('id', String(expired.identifier))
      .update({ expires_at: new Date(Date.now() - 1000) })
    for (const base of both()) assert.equal(await statusOf(base, expired.value!.release()), 401)

    const expiring = await User.accessTokens.create(user, abilities, { expiresIn: 3 })
    const value = expiring.value!.release()
    await warm(value, both())
    const expiresAt = expiring.expiresAt!.getTime()
    await Promise.all(
      both().map((base) =>
        // Every 100 ms, not faster: the user's api limit (100/min) counts the 200s.
        eventually(
          `expired token refused by ${base}`,
          async () => {
            const asked = Date.now()
            const status = await statusOf(base, value)
            if (status === 200) assert.isBelow(asked, expiresAt, 'answered 200 after its expiry')
            return status === 401
          },
          3000 + REVOKED_WITHIN_MS,
          100
        )
      )
    )
    assert.isAtLeast(Date.now(), expiresAt, 'refused before its expiry')
  })

  test('while revocations cannot be heard, tokens are checked against the database', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    await warm(token, [here()])

    // The subscriber connection drops: a revocation published now would be lost to this process, so
    // the cache is neither read nor filled (checked as the connection closes, before ioredis reconnects).
    const subscriber = redis.connection('main').ioSubscriberConnection!
    const bypassed = await tokenChecks(here(), 'bypass')
    const checkedWhileDown = new Promise<{
      live: boolean
      verified: Promise<VerifiedToken | null>
    }>((resolve) =>
      subscriber.once('close', () =>
        resolve({ live: accessRevocations.live, verified: verifiedTokens.verify(token) })
      )
    )
    subscriber.disconnect(true)
    const down = await checkedWhileDown
    assert.isFalse(down.live)
    const whileDown = await down.verified
    assert.equal(whileDown?.tokenId, tokenId(token))
    assert.equal(await tokenChecks(here(), 'bypass'), bypassed + 1)

    // The token is deleted behind its back (no message at all): the next request must see it anyway.
    await db.connection('control').from(ACCESS_TOKENS.table).where('id', tokenId(token)).delete()
    const refused = await client.get('/api/v1/tenancy/locations').bearerToken(token)
    refused.assertStatus(401)

    // Once Redis confirms the subscription again, the cache is used again (starting empty).
    const fresh = await login(client, email)
    await eventually('revocations heard again', () => accessRevocations.live, WARM_WITHIN_MS, 10)
    await warm(fresh, [here()])
  })

  test('last_used_at is written later, in batches, never by the request itself', async ({
    client,
    assert,
  }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    const id = tokenId(token)

    // This process: the request only notes the use; the timer's write (run here by hand) records it.
    tokenUsage.stop()
    try {
      const response = await client.get('/api/v1/tenancy/locations').bearerToken(token)
      response.assertStatus(200)
      assert.isNull(await lastUsedAt(id))
      assert.include(tokenUsage.pending(), id)
      await tokenUsage.flush()
      const written = await lastUsedAt(id)
      assert.instanceOf(written, Date)
      assert.isBelow(Math.abs(written!.getTime() - Date.now()), 60_000)
    } finally {
      tokenUsage.start()
    }

    // A real server just started (its once-a-minute timer starts with its first request): nothing is
    // written while it serves; what it noted is written when it shuts down cleanly.
    const server = await startAppProcess()
    const second = await login(client, email)
    try {
      for (let i = 0; i < 3; i++) assert.equal(await statusOf(server.url, second), 200)
      assert.isNull(await lastUsedAt(tokenId(second)))
    } finally {
      await server.stop()
    }
    assert.instanceOf(await lastUsedAt(tokenId(second)), Date)
  })
})
