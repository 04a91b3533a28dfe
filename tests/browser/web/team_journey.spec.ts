import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import type { Page } from 'playwright-core'
import { TEST_PASSWORD, createMerchant } from '#tests/support/merchants'
import { invitationTokenFromMail, smtpStandIn } from '../../functional/accounts/team_helpers.js'
import { DESK, PHONE, baseUrl, launch, openPage, recordProblems, shot } from './browser_helpers.js'

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${baseUrl()}/admin`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Kitchen' }).waitFor()
}

test.group('Web UI: team', () => {
  test('the owner invites a barista, who accepts from the mail and sees the kitchen board; removed, the board loses access at once', async ({
    assert,
    cleanup,
  }) => {
    const smtp = await smtpStandIn()
    cleanup(() => smtp.close())
    const shop = await createMerchant({ tier: 'pre_ordering' })
    const browser = await launch()
    cleanup(() => browser.close())

    const owner = await openPage(browser, DESK)
    recordProblems(owner, 'owner')
    await signIn(owner, shop.email, TEST_PASSWORD)
    await owner.getByRole('link', { name: 'Team' }).click()
    await owner.getByRole('heading', { name: 'Team' }).waitFor()
    const email = `barista-${randomUUID().slice(0, 8)}@mail.test`
    await owner.getByLabel('Email').fill(email)
    await owner.getByRole('button', { name: 'Send invitation' }).click()
    await owner.getByText(`Invitation sent to ${email}`).waitFor()
    await owner.getByRole('cell', { name: email }).waitFor()
    await shot(owner, 'team-invited')

    const token = await invitationTokenFromMail(smtp, email)
    const barista = await openPage(browser, PHONE)
    recordProblems(barista, 'barista')
    await barista.goto(`${baseUrl()}/admin/accept-invitation#token=${token}`)
    await barista.getByText(`invites ${email}`).waitFor()
    await barista.getByLabel('Your name').fill('Bea Barista')
    await barista.getByLabel('Choose a password').fill('a-long-new-password-7')
    await barista.getByRole('button', { name: 'Accept and sign in' }).click()
    await barista.getByRole('heading', { name: 'Kitchen' }).waitFor()
    assert.equal(new URL(barista.url()).hash, '', 'the token does not stay in the address bar')

    // The owner's team page shows the new member; removing them closes the barista's board at once.
    await owner.getByRole('link', { name: 'Kitchen' }).click()
    await owner.getByRole('link', { name: 'Team' }).click()
    const row = owner.getByRole('row').filter({ hasText: email })
    await row.waitFor()
    owner.once('dialog', (dialog) => dialog.accept())
    await row.getByRole('button', { name: 'Remove' }).click()
    await owner.getByText(`${email} removed`).waitFor()
    await barista.getByRole('heading', { name: 'Staff sign in' }).waitFor({ timeout: 5000 })
    await shot(barista, 'team-removed-barista')
  }).timeout(120_000)
})
