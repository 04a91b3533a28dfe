import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import type { ApiClient } from '@japa/api-client'
import { WorkerPool } from '#core/queue/worker_pool'
import { runJobInTenant } from '#tenancy/index'
import MenuImportJob from '#menu/jobs/menu_import_job'
import MenuExportJob from '#menu/jobs/menu_export_job'
import { buildCoffeeMenu } from './menu_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'

/** Polls the status endpoint until the job is done (bounded, no timing assertions). */
async function finished(client: ApiClient, token: string, url: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await client.get(url).bearerToken(token)
    const body = response.body().data
    if (body.status === 'succeeded' || body.status === 'failed') return body
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${url} did not finish`)
}

async function runImport(
  client: ApiClient,
  token: string,
  format: 'json' | 'csv',
  content: string
) {
  const started = await client
    .post('/api/v1/menu/imports')
    .bearerToken(token)
    .json({ format, content })
  started.assertStatus(202)
  return finished(client, token, `/api/v1/menu/imports/${started.body().data.id}`)
}

async function tree(client: ApiClient, token: string) {
  const response = await client.get('/api/v1/menu').bearerToken(token)
  return response.body().data.categories
}

const strip = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, v) => (key === 'id' ? undefined : v))

const GOOD_JSON = JSON.stringify({
  categories: [
    {
      name: 'Treatments',
      items: [
        { name: 'Massage 60', price_minor: 6000, currency: 'EUR', duration_minutes: 60 },
        {
          name: 'Facial',
          price_minor: 4500,
          currency: 'EUR',
          duration_minutes: 45,
          dietary_flags: [],
        },
      ],
    },
    {
      name: 'Bikes',
      availability: [{ days: [6, 7], start: '08:00', end: '20:00' }],
      items: [
        {
          name: 'City bike',
          price_minor: 1200,
          currency: 'EUR',
          rental_unit: 'day',
          modifier_groups: [
            {
              name: 'Extras',
              max_select: 2,
              options: [{ name: 'Helmet', price_delta_minor: 300 }, { name: 'Basket' }],
            },
          ],
        },
      ],
    },
  ],
})

const CSV = [
  'record,category,item,group,name,price_minor,currency,allergens,dietary_flags,is_required,price_delta_minor',
  'category,,,,Drinks,,,,,,',
  'item,Drinks,,,Latte,350,EUR,milk,vegetarian,,',
  'modifier_group,Drinks,Latte,,Milk,,,,,true,',
  'option,Drinks,Latte,Milk,Oat milk,,,gluten,,,50',
  'option,Drinks,Latte,Milk,"Whole milk, local",,,milk,,,0',
].join('\n')

test.group('menu / bulk import and export', (group) => {
  let pool: WorkerPool
  group.setup(async () => {
    const logger = await app.container.make('logger')
    const connection = app.config.get<{ defaultConnection: Record<string, unknown> }>(
      'queue'
    ).defaultConnection
    pool = new WorkerPool(app, logger, connection, [MenuImportJob, MenuExportJob], runJobInTenant, {
      concurrency: 2,
    }).start()
    return () => pool.stop()
  })

  test('imports a whole JSON menu and replaces the old one', async ({ client, assert }) => {
    const { token, merchant } = await createMerchantWithToken({ tier: 'full_suite' })
    await buildCoffeeMenu(client, token)
    const run = await runImport(client, token, 'json', GOOD_JSON)
    assert.equal(run.status, 'succeeded', JSON.stringify(run.errors))
    assert.equal(run.progress, 100)
    assert.equal(run.processed_rows, 8)
    assert.equal(run.total_rows, 8)
    const categories = await tree(client, token)
    assert.deepEqual(
      categories.map((c: any) => c.name),
      ['Treatments', 'Bikes']
    )
    assert.equal(categories[1].items[0].modifier_groups[0].options[0].name, 'Helmet')
    const menu = await client.get(`/api/v1/menus/${merchant.slug}`)
    assert.notInclude(JSON.stringify(menu.body()), 'Latte')
  })

  test('reports every bad row of a bad file and applies nothing', async ({ client, assert }) => {
    const { token } = await createMerchantWithToken()
    await buildCoffeeMenu(client, token)
    const before = await tree(client, token)
    const bad = JSON.stringify({
      categories: [
        { name: 'Fine', items: [{ name: 'Tea', price_minor: 200, currency: 'EUR' }] },
        {
          name: '',
          items: [
            { name: 'Bad price', price_minor: -1, currency: 'EUR' },
            { name: 'Bad allergen', price_minor: 100, currency: 'EUR', allergens: ['shellfish'] },
            {
              name: 'Group',
              price_minor: 100,
              currency: 'EUR',
              modifier_groups: [{ name: 'G', min_select: 3, max_select: 1 }],
            },
          ],
        },
      ],
    })
    const run = await runImport(client, token, 'json', bad)
    assert.equal(run.status, 'failed')
    const rows = run.errors.map((e: any) => [e.row, e.field])
    assert.deepInclude(rows, [3, 'name'])
    assert.deepInclude(rows, [4, 'price_minor'])
    assert.deepInclude(rows, [5, 'allergens.0'])
    assert.deepInclude(rows, [7, 'min_select'])
    assert.equal(run.errors.find((e: any) => e.row === 4).path, 'categories[1].items[0]')
    assert.deepEqual(strip(await tree(client, token)), strip(before))

    const notJson = await runImport(client, token, 'json', '{"categories": [')
    assert.equal(notJson.status, 'failed')
    assert.match(notJson.errors[0].message, /not valid JSON/)
  })

  test('imports CSV and reports bad CSV lines by line number', async ({ client, assert }) => {
    const { token } = await createMerchantWithToken()
    const run = await runImport(client, token, 'csv', CSV)
    assert.equal(run.status, 'succeeded', JSON.stringify(run.errors))
    const [drinks] = await tree(client, token)
    const latte = drinks.items[0]
    assert.deepEqual(
      [latte.name, latte.allergens, latte.dietary_flags],
      ['Latte', ['milk'], ['vegetarian']]
    )
    assert.deepEqual(
      latte.modifier_groups[0].options.map((o: any) => o.name),
      ['Oat milk', 'Whole milk, local']
    )
    assert.equal(latte.modifier_groups[0].min_select, 1)

    const bad = [
      'record,category,item,group,name,price_minor,currency',
      'category,,,,Drinks,,',
      'item,Drinks,,,Latte,abc,EUR',
      'item,Food,,,Toast,300,EUR',
      'dish,Drinks,,,Soup,300,EUR',
    ].join('\n')
    const failed = await runImport(client, token, 'csv', bad)
    assert.equal(failed.status, 'failed')
    assert.deepEqual(
      failed.errors.map((e: any) => [e.row, e.field]),
      [
        [3, 'price_minor'],
        [4, 'category'],
        [5, 'record'],
      ]
    )
    const categories = await tree(client, token)
    assert.equal(categories[0].items[0].name, 'Latte')
  })

  test('exports JSON and CSV that import back to the same menu', async ({ client, assert }) => {
    const source = await createMerchantWithToken()
    await buildCoffeeMenu(client, source.token)
    for (const format of ['json', 'csv'] as const) {
      const started = await client
        .post('/api/v1/menu/exports')
        .bearerToken(source.token)
        .json({ format })
      const run = await finished(
        client,
        source.token,
        `/api/v1/menu/exports/${started.body().data.id}`
      )
      assert.equal(run.status, 'succeeded')
      const download = await client
        .get(`/api/v1/menu/exports/${run.id}/download`)
        .bearerToken(source.token)
      download.assertStatus(200)
      assert.include(
        download.header('content-type'),
        format === 'csv' ? 'text/csv' : 'application/json'
      )

      const target = await createMerchantWithToken()
      const imported = await runImport(client, target.token, format, download.text())
      assert.equal(imported.status, 'succeeded', JSON.stringify(imported.errors))
      assert.deepEqual(
        strip(await tree(client, target.token)),
        strip(await tree(client, source.token))
      )
    }
  })
})
