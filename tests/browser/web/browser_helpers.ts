import { mkdir } from 'node:fs/promises'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import { randomClientIp } from '#tests/support/app_process'
import DemoSeeder, { DEMO_PASSWORD } from '#database/seeders/demo_seeder'
import MenuDemoSeeder from '#database/seeders/menu_demo_seeder'
import OrdersDemoSeeder from '#database/seeders/orders_demo_seeder'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOTS = app.makePath('test-output/screenshots')
export const baseUrl = () => `http://${env.get('HOST')}:${env.get('PORT')}`

/** A visitor's phone (its clock in another zone than the shop's) and the shop's desk screen (the kitchen board). */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
  timezoneId: 'America/New_York',
}
export const DESK = {
  viewport: { width: 1280, height: 800 },
  locale: 'en-GB',
  timezoneId: 'Asia/Tokyo',
}

/** The demo merchants, menus and pickup slots that `npm start` seeds (idempotent). */
export async function seedDemo() {
  await new DemoSeeder(db.connection()).run()
  await new MenuDemoSeeder(db.connection()).run()
  await new OrdersDemoSeeder(db.connection()).run()
}

/**
 * A browser context (one device) with its own client address: the suite shares 127.0.0.1 with every
 * other test, and the per-client login limit must not see them all as one client.
 */
export async function device(browser: Browser, options: BrowserContextOptions) {
  return browser.newContext({
    ...options,
    extraHTTPHeaders: { 'X-Forwarded-For': randomClientIp() },
  })
}

/** A page in a fresh device context (see `device`). */
export async function openPage(browser: Browser, options: BrowserContextOptions) {
  const context = await device(browser, options)
  return context.newPage()
}

/** Debian's Chromium, headless, with the flags that keep it off the network it cannot reach. */
export async function launch(): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Failed API answers and page errors, printed when a step times out (what the page saw). */
export function recordProblems(page: Page, name: string) {
  page.on(
    'response',
    (r) =>
      r.status() >= 400 && console.log(`[${name}] ${r.status()} ${r.request().method()} ${r.url()}`)
  )
  page.on('pageerror', (error) => console.log(`[${name}] page error: ${error.message}`))
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: false })
}

export async function staffSignIn(page: Page, email = 'owner@demo-coffee.test') {
  await page.goto(`${baseUrl()}/admin`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Kitchen' }).waitFor()
}
