import { randomUUID } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { test } from '@japa/runner'
import {
  dropDatabaseWithNodes,
  siblingDatabaseUrl,
  startPlatform,
  startRedisServer,
  type StartedPlatform,
} from '#tests/support/platform_process'
import { randomClientIp } from '#tests/support/app_process'

const ROOT = new URL('../../../', import.meta.url).pathname

test.group('npm start in development without SMTP_HOST: mails land in tmp/mail/', (group) => {
  let platform: StartedPlatform
  let redis: Awaited<ReturnType<typeof startRedisServer>>
  const databaseUrl = siblingDatabaseUrl('signup_start')

  group.setup(async () => {
    await dropDatabaseWithNodes(databaseUrl)
    redis = await startRedisServer()
    platform = await startPlatform({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url })
    return async () => {
      platform?.kill()
      await redis?.stop()
    }
  })

  test('a sign-up mail is announced with its file, and the link in the file verifies the account', async ({
    assert,
  }) => {
    assert.match(platform.output(), /mail: no SMTP_HOST, so every mail is kept in tmp\/mail\//)
    const slug = `npm-${randomUUID().slice(0, 8)}`
    const email = `owner@${slug}.test`
    const signUp = await fetch(`${platform.url}/api/v1/auth/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': randomClientIp() },
      body: JSON.stringify({
        email,
        password: 'a-long-enough-password',
        full_name: 'Npm Owner',
        merchant: { name: 'Npm Shop', slug, vertical: 'coffeeshop', timezone: 'UTC' },
      }),
    })
    assert.equal(signUp.status, 201)

    const announced = await platform.waitForOutput(
      new RegExp(
        `\\[mail\\] mail to ${email}: Verify your email address \\((tmp/mail/[^)]+\\.eml)\\)`
      ),
      'the mail to be announced'
    )
    const file = join(ROOT, announced[1])
    try {
      const text = readFileSync(file, 'utf8')
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
      const link = /(http:\/\/\S+)\/admin\/verify#token=([A-Za-z0-9_-]+)/.exec(text)
      assert.exists(link, text)
      assert.equal(link![1], platform.url, 'the link points at the running server')
      const verified = await fetch(`${platform.url}/api/v1/auth/verify-email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': randomClientIp() },
        body: JSON.stringify({ token: link![2] }),
      })
      assert.equal(verified.status, 200)
      const page = await fetch(`${platform.url}/m/${slug}`)
      assert.equal(page.status, 200)
    } finally {
      rmSync(file, { force: true })
    }
  }).timeout(120_000)
})
