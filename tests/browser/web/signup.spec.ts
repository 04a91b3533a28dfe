import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import env from '#start/env'
import { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { startSmtpServer } from '#tests/support/stand_ins'
import { DESK, baseUrl, launch, openPage, recordProblems, shot } from './browser_helpers.js'
import { accountMailWorkers } from '#tests/support/workers'

/** The link in a caught mail, as the mail client shows it (quoted-printable undone). */
function linkIn(data: string) {
  const text = data
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
  const match = /(http:\/\/\S+\/admin\/verify#token=[A-Za-z0-9_%-]+)/.exec(text)
  if (!match) throw new Error(`no verification link in:\n${text}`)
  return match[1]
}

test.group('Web UI: a new shop signs up', (group) => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  let workers: WorkerPool
  group.setup(async () => {
    smtp = await startSmtpServer()
    env.set('SMTP_HOST', '127.0.0.1')
    env.set('SMTP_PORT', smtp.port)
    workers = accountMailWorkers()
    return async () => {
      await workers.stop()
      await smtp.close()
    }
  })

  test('sign up from the sign-in page, see the checklist, open the mailed link: the menu is live', async ({
    assert,
    cleanup,
  }) => {
    const browser = await launch()
    cleanup(() => browser.close())
    const page = await openPage(browser, DESK)
    recordProblems(page, 'owner')
    const slug = `b-${randomUUID().slice(0, 8)}`
    const email = `owner@${slug}.test`

    await page.goto(`${baseUrl()}/admin`)
    await page.getByRole('link', { name: 'Sign up' }).click()
    await page.getByRole('heading', { name: 'Sign up your shop' }).waitFor()
    await page.getByLabel('Your name').fill('Bea Barista')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill('a-long-enough-password')
    await page.getByLabel('Shop name').fill(`Bea ${slug}`)
    assert.equal(await page.getByLabel('Web address').inputValue(), `bea-${slug}`)
    await page.getByLabel('Web address').fill(slug)
    await page.getByLabel('Time zone').selectOption('Europe/Rome')
    await page.getByRole('button', { name: 'Create my shop' }).click()

    const card = page.getByRole('region', { name: /Get your shop ready/ })
    await card.waitFor()
    assert.equal(
      await card.locator('li[data-step="verify_email"]').getAttribute('data-done'),
      'false'
    )
    await card
      .getByText('Your public menu goes live once your email address is verified.')
      .waitFor()
    await shot(page, 'onboarding-checklist')
    const hidden = await fetch(`${baseUrl()}/m/${slug}`)
    assert.equal(hidden.status, 404)

    const mail = await eventually('verification mail', () =>
      smtp.received.find((m) => m.to.includes(`<${email}>`))
    )
    await page.goto(linkIn(mail.data))
    await page.getByText('Your email address is verified.').waitFor()
    assert.equal(new URL(page.url()).hash, '', 'the token is gone from the address bar')
    await page.getByRole('link', { name: new RegExp(`/m/${slug}$`) }).waitFor()
    const live = await fetch(`${baseUrl()}/m/${slug}`)
    assert.equal(live.status, 200)

    // The same link a second time (a fresh load: from /admin/verify only the fragment would change).
    await page.goto('about:blank')
    await page.goto(linkIn(mail.data))
    await page.getByRole('alert').filter({ hasText: 'used already' }).waitFor()
  })
})
