import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import env from '#start/env'
import { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { randomClientIp } from '#tests/support/app_process'
import { expectStatus } from '#tests/support/http'
import { startDevMailCatcher, subjectOf, type DevMailCatcher } from '../../../scripts/dev_mail.js'
import { accountMailWorkers } from '#tests/support/workers'

/** What a developer does with a caught mail: find the link in the .eml file and open it. */
test.group('Sign-up in development: the local mail catcher', (group) => {
  let catcher: DevMailCatcher
  let dir: string
  let workers: WorkerPool | undefined
  const lines: string[] = []
  group.each.setup(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gudbro-mail-'))
    catcher = await startDevMailCatcher({ dir, log: (line) => lines.push(line) })
    env.set('SMTP_HOST', '127.0.0.1')
    env.set('SMTP_PORT', catcher.port)
  })
  group.each.teardown(async () => {
    await workers?.stop()
    workers = undefined
    await catcher.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('the verification mail lands in a file, is announced, and its link verifies the account', async ({
    client,
    assert,
  }) => {
    workers = accountMailWorkers()
    const slug = `dev-${randomUUID().slice(0, 8)}`
    const email = `owner@${slug}.test`
    await expectStatus(
      client
        .post('/api/v1/auth/sign-up')
        .header('X-Forwarded-For', randomClientIp())
        .json({
          email,
          password: 'a-long-enough-password',
          full_name: 'Dev Owner',
          merchant: { name: 'Dev Shop', slug, vertical: 'wellness', timezone: 'Asia/Tokyo' },
        }),
      201
    )
    const file = await eventually('a mail file', () =>
      readdirSync(dir).find((f) => f.endsWith('.eml'))
    )
    const eml = readFileSync(join(dir, file), 'utf8')
    assert.equal(subjectOf(eml), 'Verify your email address')
    assert.isTrue(
      lines.some((line) => line.startsWith(`mail to ${email}: Verify your email address (`)),
      lines.join('\n')
    )
    // The console shows the link whole (the .eml keeps it quoted-printable, cut over lines).
    const announced = lines.find((line) => line.startsWith('  link: '))
    assert.exists(announced, lines.join('\n'))
    const url = new URL(announced!.slice('  link: '.length))
    assert.match(url.href, /^http:\/\/127\.0\.0\.1:\d+\/admin\/verify#token=/)
    const link = { token: decodeURIComponent(url.hash.slice('#token='.length)) }
    await expectStatus(client.get(`/api/v1/menus/${slug}`), 404)
    const verified = await expectStatus(
      client
        .post('/api/v1/auth/verify-email')
        .header('X-Forwarded-For', randomClientIp())
        .json({ token: link.token }),
      200
    )
    assert.deepEqual(verified.body().published_merchants, [slug])
    const menu = await client.get(`/api/v1/menus/${slug}`)
    assert.equal(menu.status(), 200, JSON.stringify(menu.body()))
  })

  test('subjects folded over several header lines are read whole', ({ assert }) => {
    const raw =
      'From: a@x.test\r\nSubject: Someone tried\r\n to sign up\r\nTo: b@x.test\r\n\r\nbody'
    assert.equal(subjectOf(raw), 'Someone tried to sign up')
    assert.equal(subjectOf('From: a@x.test\r\n\r\nSubject: not a header'), '(no subject)')
  })
})
