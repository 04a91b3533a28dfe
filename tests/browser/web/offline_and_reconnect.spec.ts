import { test } from '@japa/runner'
import {
  DESK,
  device,
  PHONE,
  baseUrl,
  launch,
  recordProblems,
  seedDemo,
  shot,
  staffSignIn,
} from './browser_helpers.js'
import { fetchJson } from '#tests/support/http'

/** Places an order through the public API, as another customer's phone would. */
async function placeOrderByApi() {
  const base = `${baseUrl()}/api/v1/orders/m/demo-coffee`
  const slots: any = await fetchJson(`${base}/pickup-slots/open`)
  const menu: any = await fetchJson(`${baseUrl()}/api/v1/menus/demo-coffee`)
  const espresso = menu.data.categories
    .flatMap((c: any) => c.items)
    .find((i: any) => i.name === 'Espresso')
  const response = await fetch(base, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      pickup_slot_id: slots.data.find((s: any) => !s.is_full).id,
      customer: { name: 'Grace', email: 'grace@example.test' },
      items: [{ item_id: espresso.id, quantity: 2 }],
    }),
  })
  const body: any = await response.json()
  return body.data.number as number
}

test.group('Web UI: offline menu and kitchen reconnection', (group) => {
  group.setup(seedDemo)

  test('the digital menu opens offline from the last menu the phone loaded', async ({
    assert,
    cleanup,
  }) => {
    const browser = await launch()
    cleanup(() => browser.close())
    const context = await device(browser, PHONE)
    const customer = await context.newPage()
    recordProblems(customer, 'customer')
    await customer.goto(`${baseUrl()}/m/demo-coffee`)
    // The worker installs its shell, activates and claims the page (controllerchange).
    await customer.evaluate(`navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller ? true
      : new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true), { once: true })))`)
    // Now the worker sees the menu read: a reload fills its data cache.
    await customer.reload()
    await customer.getByRole('button', { name: /Latte/ }).waitFor()

    await context.setOffline(true)
    await customer.reload()
    await customer.getByRole('button', { name: /Latte/ }).waitFor()
    assert.isTrue(await customer.getByRole('heading', { name: 'Demo Coffee' }).isVisible())
    await shot(customer, 'menu-offline')
  })

  test('the kitchen board catches up on orders placed while it was disconnected', async ({
    assert,
    cleanup,
  }) => {
    const browser = await launch()
    cleanup(() => browser.close())
    const context = await device(browser, DESK)
    const staff = await context.newPage()
    recordProblems(staff, 'staff')
    await staffSignIn(staff)
    await staff.getByRole('status').filter({ hasText: 'Live' }).waitFor()

    await context.setOffline(true)
    await staff.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor()
    const number = await placeOrderByApi()
    assert.equal(await staff.getByRole('article', { name: `Order ${number}` }).count(), 0)

    await context.setOffline(false)
    await staff.getByRole('status').filter({ hasText: 'Live' }).waitFor()
    await staff
      .locator('[data-status="pending"]')
      .getByRole('article', { name: `Order ${number}` })
      .waitFor()
    assert.include(
      await staff.getByRole('article', { name: `Order ${number}` }).textContent(),
      'Espresso'
    )

    // Rejecting asks for the reason, then the order leaves the board.
    staff.once('dialog', (dialog) => dialog.accept('Out of espresso beans'))
    await staff
      .getByRole('article', { name: `Order ${number}` })
      .getByRole('button', { name: 'Reject' })
      .click()
    await staff.getByRole('article', { name: `Order ${number}` }).waitFor({ state: 'detached' })
  })
})
