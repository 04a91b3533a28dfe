import { test } from '@japa/runner'
import { readdir, readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import DemoSeeder from '#database/seeders/demo_seeder'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'

/** Plain fetch: the api client does not buffer bodies of script and manifest content types. */
const get = (path: string) => fetch(`http://${env.get('HOST')}:${env.get('PORT')}${path}`)

/** The test command builds the UI first; these read what the build wrote. */
async function builtAsset(extension: string) {
  const files = await readdir(app.makePath('public/ui/assets'))
  return files.find((file) => file.endsWith(extension) && /-[\w-]{8}\./.test(file))!
}

test.group('Web UI: serving the built apps', () => {
  test('hashed assets are immutable for a year, with their content type', async ({
    client,
    assert,
  }) => {
    const script = await builtAsset('.js')
    const response = await client.get(`/assets/${script}`)
    response.assertStatus(200)
    assert.equal(response.header('cache-control'), 'public, max-age=31536000, immutable')
    assert.match(response.header('content-type') ?? '', /^text\/javascript/)
  })

  test('text assets go out compressed in the best encoding the client accepts', async ({
    assert,
  }) => {
    const script = await builtAsset('.js')
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib')
    const original = await readFile(app.makePath('public/ui/assets', script))
    const http = await import('node:http')
    const fetchRaw = (encoding: string) =>
      new Promise<{ headers: Record<string, any>; body: Buffer }>((resolve, reject) => {
        http
          .get(
            `http://${env.get('HOST')}:${env.get('PORT')}/assets/${script}`,
            { headers: { 'Accept-Encoding': encoding } },
            (res) => {
              const chunks: Buffer[] = []
              res.on('data', (chunk) => chunks.push(chunk))
              res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
            }
          )
          .on('error', reject)
      })
    const br = await fetchRaw('gzip, deflate, br')
    assert.equal(br.headers['content-encoding'], 'br')
    assert.equal(br.headers['vary'], 'Accept-Encoding')
    assert.isBelow(br.body.length, original.length / 2)
    assert.isTrue(brotliDecompressSync(br.body).equals(original))
    const gz = await fetchRaw('gzip')
    assert.equal(gz.headers['content-encoding'], 'gzip')
    assert.isTrue(gunzipSync(gz.body).equals(original))
    const plain = await fetchRaw('identity')
    assert.isUndefined(plain.headers['content-encoding'])
    assert.isTrue(plain.body.equals(original))
  })

  test('the HTML of both apps is revalidated on every load', async ({ client, assert }) => {
    // /m/<slug> is served for a published merchant only.
    await new DemoSeeder(db.connection()).run()
    for (const path of ['/admin', '/admin/kitchen', '/m/demo-coffee', '/m/demo-coffee/orders/x']) {
      const response = await client.get(path)
      response.assertStatus(200)
      assert.equal(response.header('cache-control'), 'no-cache', path)
      assert.include(response.text(), '<div id="root">', path)
    }
  })

  test('a missing asset or a path out of the assets folder is a 404', async ({ assert }) => {
    for (const path of [
      '/assets/nope-12345678.js',
      '/assets/..%2F..%2F..%2Fpackage.json',
      '/assets/%2e%2e/menu.html',
      '/assets/.vite/manifest.json',
    ]) {
      const response = await get(path)
      assert.equal(response.status, 404, path)
    }
  })

  test('the service worker precaches the menu shell and changes with the build', async ({
    assert,
  }) => {
    const response = await get('/m/sw.js')
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('cache-control'), 'no-cache')
    // Browsers refuse to register a worker script served with a non-script type.
    assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/)
    const script = await response.text()
    const files = JSON.parse(script.match(/const SHELL_FILES = (.*)\n/)![1]) as string[]
    assert.include(files, '/m/_shell')
    assert.isTrue(files.some((file) => /^\/assets\/menu-.*\.js$/.test(file)))
    assert.isFalse(
      files.some((file) => /Analytics/.test(file)),
      'backoffice chunks are not in the menu shell'
    )
  })

  test('the manifest is per merchant and unknown merchants get none', async ({ assert }) => {
    await new DemoSeeder(db.connection()).run()
    const response = await get('/m/demo-coffee/manifest.webmanifest')
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^application\/manifest\+json/)
    const manifest: any = await response.json()
    assert.equal(manifest.start_url, '/m/demo-coffee')
    assert.equal(manifest.name, 'Demo Coffee')
    const unknown = await get('/m/no-such-shop-here/manifest.webmanifest')
    assert.equal(unknown.status, 404)
  })
})
