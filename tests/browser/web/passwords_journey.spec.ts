import { test } from '@japa/runner'
import { createMerchant, login, TEST_PASSWORD } from '#tests/support/merchants'
import {
  linkToken,
  mailTo,
  startMailDelivery,
  STRONG_PASSWORD,
} from '../../functional/accounts/passwords_support.js'
import { baseUrl, DESK, launch, openPage, PHONE, recordProblems, shot } from './browser_helpers.js'

test.group('Web UI: forgotten password and sessions', () => {
  test('forgot → mailed link → new password; the old device is signed out; the Security page lists and revokes sessions', async ({
    client,
    assert,
    cleanup,
  }) => {
    const mail = await startMailDelivery()
    cleanup(() => mail.stop())
    const { email } = await createMerchant()
    const browser = await launch()
    cleanup(() => browser.close())

    // The owner is signed in at the counter.
    const desk = await openPage(browser, DESK)
    recordProblems(desk, 'desk')
    await desk.goto(`${baseUrl()}/admin`)
    await desk.getByLabel('Email').fill(email)
    await desk.getByLabel('Password').fill(TEST_PASSWORD)
    await desk.getByRole('button', { name: 'Sign in' }).click()
    await desk.getByRole('button', { name: 'Sign out' }).waitFor()

    // On the phone, they forgot the password.
    const phone = await openPage(browser, PHONE)
    recordProblems(phone, 'phone')
    await phone.goto(`${baseUrl()}/admin`)
    await phone.getByRole('link', { name: 'Forgot your password?' }).click()
    await phone.getByLabel('Email').fill(email)
    await phone.getByRole('button', { name: 'Send me a link' }).click()
    await phone.getByRole('status').filter({ hasText: 'on its way' }).waitFor()
    await shot(phone, 'password-forgot-sent')

    const text = await mailTo(mail.smtp, email, '/admin/reset-password#token=')
    await phone.goto(
      `${baseUrl()}/admin/reset-password#token=${encodeURIComponent(linkToken(text))}`
    )
    await phone.getByLabel('New password').fill('password1234')
    await phone.getByLabel('Repeat it').fill('password1234')
    await phone.getByRole('button', { name: 'Save the new password' }).click()
    await phone.getByRole('alert').filter({ hasText: 'too easy to guess' }).waitFor()
    await shot(phone, 'password-reset-weak')
    assert.equal(await phone.getByRole('link', { name: 'Ask for a new link' }).count(), 0)
    await phone.getByLabel('New password').fill(STRONG_PASSWORD)
    await phone.getByLabel('Repeat it').fill(STRONG_PASSWORD)
    await phone.getByRole('button', { name: 'Save the new password' }).click()
    await phone.getByRole('status').filter({ hasText: 'every device was signed out' }).waitFor()
    assert.notInclude(phone.url(), 'token=', 'the spent link leaves the address bar')

    await phone.getByRole('button', { name: 'Sign in' }).click()
    await phone.getByLabel('Email').fill(email)
    await phone.getByLabel('Password').fill(STRONG_PASSWORD)
    await phone.getByRole('button', { name: 'Sign in' }).click()
    await phone.getByRole('button', { name: 'Sign out' }).waitFor()

    // The counter's session died with the reset: its next request signs it out.
    await desk.reload()
    await desk.getByRole('heading', { name: 'Staff sign in' }).waitFor()

    // A second session elsewhere, then the Security page on the phone revokes it.
    const elsewhere = await login(client, email, STRONG_PASSWORD)
    await phone.getByRole('link', { name: 'Security' }).click()
    await phone.getByRole('heading', { name: 'Where you are signed in' }).waitFor()
    await phone.getByText('This device').waitFor()
    const rows = phone.locator('.sessions li')
    await rows.nth(1).waitFor()
    assert.equal(await rows.count(), 2)
    await shot(phone, 'security-sessions')
    await phone.getByRole('button', { name: 'Sign out everywhere else' }).click()
    await phone
      .getByRole('status')
      .filter({ hasText: 'Every other session is signed out' })
      .waitFor()
    const refused = await client.get('/api/v1/auth/me').bearerToken(elsewhere)
    refused.assertStatus(401)
    await phone.locator('.sessions li').nth(1).waitFor({ state: 'detached' })
    await shot(phone, 'security-others-signed-out')
  })
})
