import { test } from '@japa/runner'
import {
  DESK,
  openPage,
  baseUrl,
  launch,
  recordProblems,
  seedDemo,
  shot,
  staffSignIn,
} from './browser_helpers.js'
import { fetchJson } from '#tests/support/http'

/** A staff member of the demo coffee shop on the menu editor, in a desk-sized browser. */
async function openMenuEditor(cleanup: (fn: () => Promise<void>) => void) {
  const browser = await launch()
  cleanup(() => browser.close())
  const staff = await openPage(browser, DESK)
  recordProblems(staff, 'staff')
  await staffSignIn(staff)
  await staff.getByRole('link', { name: 'Menu' }).click()
  return staff
}

test.group('Web UI: optimistic menu edits', (group) => {
  group.setup(seedDemo)

  test('an edit the server refuses is rolled back with a message', async ({ assert, cleanup }) => {
    const staff = await openMenuEditor(cleanup)

    const price = staff.getByLabel('Price of Espresso')
    await price.waitFor()
    const before = await price.inputValue()
    // Two million euros: above the API's price limit, so the server answers 422.
    await price.fill('2000000')
    await staff
      .locator('li[data-item="Espresso"]')
      .getByRole('button', { name: 'Save price' })
      .click()

    const alert = staff.getByRole('alert').filter({ hasText: 'was not saved and has been undone' })
    await alert.waitFor()
    await shot(staff, 'menu-editor-rollback')
    assert.equal(await staff.getByLabel('Price of Espresso').inputValue(), before)
    const menu: any = await fetchJson(`${baseUrl()}/api/v1/menus/demo-coffee`)
    const espresso = menu.data.categories
      .flatMap((c: any) => c.items)
      .find((i: any) => i.name === 'Espresso')
    assert.equal(espresso.price_minor, Math.round(Number(before) * 100))
  })

  test('an accepted edit stays: sold out shows on the public menu', async ({ assert, cleanup }) => {
    const staff = await openMenuEditor(cleanup)
    const soldOut = staff.locator('li[data-item="Cappuccino"]').getByLabel('Sold out')
    const saved = (sold: boolean) =>
      staff.waitForResponse(
        (r) =>
          r.url().includes('/sold-out') &&
          r.request().postData() === JSON.stringify({ sold_out: sold })
      )
    const [answer] = await Promise.all([saved(true), soldOut.click()])
    assert.equal(answer.status(), 200)
    assert.isTrue(await soldOut.isChecked())
    const menu: any = await fetchJson(`${baseUrl()}/api/v1/menus/demo-coffee`)
    const cappuccino = menu.data.categories
      .flatMap((c: any) => c.items)
      .find((i: any) => i.name === 'Cappuccino')
    assert.isTrue(cappuccino.sold_out)
    await Promise.all([saved(false), soldOut.click()])
  })
})

test.group('Web UI: adding to the menu', (group) => {
  group.setup(seedDemo)

  test('staff add an item and a milk option; the public menu has both', async ({
    assert,
    cleanup,
  }) => {
    const staff = await openMenuEditor(cleanup)

    const name = `Flat white ${Date.now() % 100000}`
    await staff.getByLabel('New item in Coffee name').fill(name)
    await staff.getByLabel('New item in Coffee price').fill('3.20')
    await staff.getByLabel('New item in Coffee name').press('Enter')
    await staff.getByLabel(`Price of ${name}`).waitFor()

    await staff.getByLabel('Option for Latte Milk name').fill('Almond milk')
    await staff.getByLabel('Option for Latte Milk price').fill('0.60')
    await staff.getByLabel('Option for Latte Milk name').press('Enter')
    await staff
      .locator('li[data-item="Latte"]')
      .getByText(/Almond milk/)
      .waitFor()
    await shot(staff, 'menu-editor')

    const menu: any = await fetchJson(`${baseUrl()}/api/v1/menus/demo-coffee`)
    const items = menu.data.categories.flatMap((c: any) => c.items)
    assert.equal(items.find((i: any) => i.name === name)?.price_minor, 320)
    const milk = items
      .find((i: any) => i.name === 'Latte')
      .modifier_groups.find((g: any) => g.name === 'Milk')
    assert.equal(milk.options.find((o: any) => o.name === 'Almond milk')?.price_delta_minor, 60)
  })
})
