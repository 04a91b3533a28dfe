import { test } from '@japa/runner'
import {
  DESK,
  PHONE,
  baseUrl,
  openPage,
  launch,
  recordProblems,
  seedDemo,
  shot,
  staffSignIn,
} from './browser_helpers.js'

test.group('Web UI: chat between a customer and the shop', (group) => {
  group.setup(seedDemo)

  test('a customer asks from the menu, staff answer from the backoffice, both live', async ({
    assert,
    cleanup,
  }) => {
    const browser = await launch()
    cleanup(() => browser.close())
    const staff = await openPage(browser, DESK)
    recordProblems(staff, 'staff')
    await staffSignIn(staff)
    await staff.getByRole('link', { name: 'Chat' }).click()
    await staff.getByRole('heading', { name: 'Chat' }).waitFor()

    const customer = await openPage(browser, PHONE)
    recordProblems(customer, 'customer')
    await customer.goto(`${baseUrl()}/m/demo-coffee`)
    await customer.getByRole('button', { name: 'Chat with us' }).click()
    const customerName = `Linus ${Date.now() % 100000}`
    await customer.getByLabel('Your name').fill(customerName)
    await customer.getByLabel('Message').fill('Do you have oat milk today?')
    await customer.getByRole('button', { name: 'Send' }).click()
    await customer.locator('.thread').getByText('Do you have oat milk today?').waitFor()

    // The conversation shows up on the staff screen without a reload.
    await staff.getByRole('button', { name: new RegExp(customerName) }).click()
    await staff.locator('.thread').getByText('Do you have oat milk today?').waitFor()
    await staff.getByLabel('Reply').fill('Yes, all day!')
    await staff.getByRole('button', { name: 'Send' }).click()

    await customer.locator('.thread').getByText('Yes, all day!').waitFor()
    assert.equal(await customer.locator('.thread li').count(), 2)
    await shot(customer, 'menu-chat')
    await shot(staff, 'backoffice-chat')
  })
})
