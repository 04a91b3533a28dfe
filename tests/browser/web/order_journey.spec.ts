import { test } from '@japa/runner'
import { merchantDirectory, runJobInTenant, tenantDb } from '#tenancy/index'
import {
  DESK,
  openPage,
  PHONE,
  baseUrl,
  launch,
  recordProblems,
  seedDemo,
  shot,
  staffSignIn,
} from './browser_helpers.js'

async function analyticsTypes(merchantId: string): Promise<string[]> {
  return runJobInTenant({ merchantId }, async () => {
    const rows = await tenantDb('write')
      .from('analytics_events')
      .where('merchant_id', merchantId)
      .distinct('event_type')
    return rows.map((row) => row.event_type)
  })
}

test.group('Web UI: a pickup order from phone to kitchen board', (group) => {
  group.setup(seedDemo)

  test('a customer orders a latte with oat milk and follows it while staff move it to ready', async ({
    assert,
    cleanup,
  }) => {
    const browser = await launch()
    cleanup(() => browser.close())

    // Staff: the kitchen board at a desk, live before the order exists.
    const staff = await openPage(browser, DESK)
    recordProblems(staff, 'staff')
    await staffSignIn(staff)
    await staff.getByRole('status').filter({ hasText: 'Live' }).waitFor()

    // Customer: the digital menu on a phone.
    const customer = await openPage(browser, PHONE)
    recordProblems(customer, 'customer')
    await customer.goto(`${baseUrl()}/m/demo-coffee`)
    await customer.getByRole('heading', { name: 'Demo Coffee' }).waitFor()
    await customer.getByRole('button', { name: /Latte/ }).click()
    await customer.getByLabel('Oat milk').check()
    await customer.getByLabel('Regular').check()
    await shot(customer, 'menu-item-detail')
    await customer.getByRole('button', { name: /Add to cart/ }).click()
    await shot(customer, 'menu-browse')
    await customer.getByRole('button', { name: 'View cart (1)' }).click()
    await customer.getByLabel('Your name').fill('Ada')
    await customer.getByLabel(/Email or phone/).fill('ada@example.test')
    await customer
      .getByLabel('Pickup time')
      .locator('option')
      .first()
      .waitFor({ state: 'attached' })
    await shot(customer, 'menu-cart')
    await customer.getByRole('button', { name: 'Place order' }).click()

    const status = customer.locator('.status-now')
    await status.filter({ hasText: 'Sent to the shop' }).waitFor()
    const heading = await customer.getByRole('heading', { name: /Order #\d+/ }).textContent()
    const number = heading!.replace(/\D/g, '')
    await shot(customer, 'order-status-sent')

    // The order arrives on the board without a reload, highlighted, with its modifiers.
    const ticket = staff.getByRole('article', { name: `Order ${number}` })
    await staff
      .locator('[data-status="pending"]')
      .getByRole('article', { name: `Order ${number}` })
      .waitFor()
    assert.include(await ticket.textContent(), 'Oat milk')
    assert.include((await ticket.getAttribute('class')) ?? '', 'fresh')
    // Pickup times are the shop's clock (Europe/Rome) on both screens, whatever zone each device is in.
    const pickupOnPhone = (await customer.getByText(/^Pickup at /).textContent())!.replace(
      'Pickup at ',
      ''
    )
    const pickupOnBoard = (await ticket.getByText(/^pickup /).textContent())!.replace('pickup ', '')
    assert.equal(pickupOnPhone, pickupOnBoard)
    assert.match(
      pickupOnPhone,
      /^(0[89]|1[0-7]):[0-5][05]$/,
      'demo slots open 08:00 to 17:45 shop time'
    )
    await shot(staff, 'kitchen-board-new-order')

    // One tap per step; the customer's page follows each one over its socket.
    await ticket.getByRole('button', { name: 'Accept' }).click()
    await status.filter({ hasText: 'Accepted' }).waitFor()
    await ticket.getByRole('button', { name: 'Start preparing' }).click()
    await status.filter({ hasText: 'Being prepared' }).waitFor()
    await ticket.getByRole('button', { name: 'Mark ready' }).click()
    await status.filter({ hasText: 'Ready for pickup' }).waitFor()
    await staff
      .locator('[data-status="ready"]')
      .getByRole('article', { name: `Order ${number}` })
      .waitFor()
    assert.equal(await status.getAttribute('data-status'), 'ready')
    await shot(staff, 'kitchen-board-ready')
    await shot(customer, 'order-status-ready')

    // Menu analytics left the phone in batches (menu view, item click, cart, checkout).
    const coffee = await merchantDirectory.bySlug('demo-coffee')
    let types: string[] = []
    for (let attempt = 0; attempt < 40 && !types.includes('checkout_started'); attempt++) {
      await customer.waitForTimeout(250)
      types = await analyticsTypes(coffee!.id)
    }
    assert.includeMembers(types, ['menu_view', 'item_click', 'add_to_cart', 'checkout_started'])

    // The dashboard shows today's live figures, top items included, with labelled funnel steps.
    await staff.getByRole('link', { name: 'Analytics' }).click()
    await staff.locator('.chart canvas').waitFor()
    const addedToCart = staff
      .locator('.funnel li')
      .filter({ hasText: 'Added to cart' })
      .locator('span')
      .last()
    assert.match((await addedToCart.textContent()) ?? '', /^1\b/)
    await staff.getByRole('cell', { name: 'Latte' }).waitFor()
    await shot(staff, 'analytics-dashboard')
  })

  test('a merchant without the orders module gets a browse-only menu', async ({
    assert,
    cleanup,
  }) => {
    const browser = await launch()
    cleanup(() => browser.close())
    const customer = await openPage(browser, PHONE)
    await customer.goto(`${baseUrl()}/m/demo-wellness`)
    await customer.getByText('order at the counter').waitFor()
    await customer.getByRole('button', { name: /Relaxing massage/ }).click()
    await customer.getByRole('dialog').waitFor()
    assert.equal(await customer.getByRole('button', { name: /Add to cart/ }).count(), 0)
  })
})
