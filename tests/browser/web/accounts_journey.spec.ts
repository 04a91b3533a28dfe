import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import type { Page } from 'playwright-core'
import { supportToken } from '#tests/functional/compliance/helpers'
import { mailedLink, smtpStandIn } from '../../functional/accounts/team_helpers.js'
import { DESK, PHONE, baseUrl, launch, openPage, recordProblems, shot } from './browser_helpers.js'

const OWNER_PASSWORD = 'Crema-tamper-grinder-42'
const BARISTA_PASSWORD = 'Milk-jug-latte-art-77'

async function openSection(page: Page, title: string) {
  await page.getByRole('link', { name: title }).click()
  await page.getByRole('heading', { name: title }).waitFor()
}

test.group('Web UI: a shop joins and runs its team', () => {
  test('a new shop signs up and verifies from the mail, adds an item, invites a barista who accepts from the mail and sees the kitchen board; removed, the board loses access at once', async ({
    assert,
    client,
    cleanup,
  }) => {
    const smtp = await smtpStandIn()
    cleanup(() => smtp.close())
    const browser = await launch()
    cleanup(() => browser.close())
    const slug = `j-${randomUUID().slice(0, 8)}`
    const ownerEmail = `owner@${slug}.test`

    // Sign-up: the shop exists at once, its public menu waits for the verified address.
    const owner = await openPage(browser, DESK)
    recordProblems(owner, 'owner')
    await owner.goto(`${baseUrl()}/admin`)
    await owner.getByRole('link', { name: 'Sign up' }).click()
    await owner.getByLabel('Your name').fill('Olga Owner')
    await owner.getByLabel('Email').fill(ownerEmail)
    await owner.getByLabel('Password').fill(OWNER_PASSWORD)
    await owner.getByLabel('Shop name').fill(`Olga ${slug}`)
    await owner.getByLabel('Web address').fill(slug)
    await owner.getByRole('button', { name: 'Create my shop' }).click()
    await owner.getByRole('region', { name: /Get your shop ready/ }).waitFor()
    const hidden = await fetch(`${baseUrl()}/m/${slug}`)
    assert.equal(hidden.status, 404, 'not live before verification')

    const verification = await mailedLink(smtp, ownerEmail, 'verify_email')
    await owner.goto(verification.url)
    await owner.getByText('Your email address is verified.').waitFor()
    const live = await fetch(`${baseUrl()}/m/${slug}`)
    assert.equal(live.status, 200, 'live once verified')

    // A first menu item, from the menu editor.
    await owner.goto(`${baseUrl()}/admin/menu`)
    await owner.getByRole('heading', { name: 'Menu' }).waitFor()
    await owner.getByLabel('New category name').fill('Coffee')
    await owner.getByLabel('New category name').press('Enter')
    await owner.getByLabel('New item in Coffee name').fill('Espresso')
    await owner.getByLabel('New item in Coffee price').fill('2.20')
    await owner.getByLabel('New item in Coffee name').press('Enter')
    await owner.getByLabel('Price of Espresso').waitFor()
    await shot(owner, 'journey-first-item')

    // The shop starts on digital_menu; support switches pre-ordering on for it (module overrides).
    const support = await supportToken(client)
    for (const module of ['notifications', 'orders']) {
      const enabled = await client
        .post(`/api/v1/admin/merchants/${slug}/modules/${module}/enable`)
        .bearerToken(support.token)
        .json({ reason: 'the shop asked for pre-ordering' })
      enabled.assertStatus(200)
    }

    // The owner invites a barista, who accepts from the mailed link.
    await owner.reload()
    await openSection(owner, 'Team')
    const baristaEmail = `barista@${slug}.test`
    await owner.getByLabel('Email').fill(baristaEmail)
    await owner.getByRole('button', { name: 'Send invitation' }).click()
    await owner.getByText(`Invitation sent to ${baristaEmail}`).waitFor()

    const invitation = await mailedLink(smtp, baristaEmail, 'invitation')
    const barista = await openPage(browser, PHONE)
    recordProblems(barista, 'barista')
    await barista.goto(invitation.url)
    await barista.getByText(`invites ${baristaEmail}`).waitFor()
    await barista.getByLabel('Your name').fill('Bea Barista')
    await barista.getByLabel('Choose a password').fill(BARISTA_PASSWORD)
    await barista.getByRole('button', { name: 'Accept and sign in' }).click()
    await barista.getByRole('heading', { name: 'Kitchen' }).waitFor()
    assert.equal(new URL(barista.url()).hash, '', 'the token does not stay in the address bar')
    await shot(barista, 'journey-barista-kitchen')

    // Removed by the owner, the barista's open board signs out at once.
    await owner.getByRole('link', { name: 'Kitchen' }).click()
    await openSection(owner, 'Team')
    const row = owner.getByRole('row').filter({ hasText: baristaEmail })
    await row.waitFor()
    owner.once('dialog', (dialog) => dialog.accept())
    await row.getByRole('button', { name: 'Remove' }).click()
    await owner.getByText(`${baristaEmail} removed`).waitFor()
    await barista.getByRole('heading', { name: 'Staff sign in' }).waitFor({ timeout: 5000 })
    await shot(barista, 'journey-barista-removed')
  }).timeout(120_000)
})
