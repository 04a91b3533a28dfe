import type { HttpContext } from '@adonisjs/core/http'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import { merchantDirectory } from '#tenancy/index'
import {
  IMMUTABLE,
  NO_CACHE,
  contentType,
  encodedAsset,
  menuShellFiles,
  readDistFile,
} from '#web/web_assets'

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/

/**
 * Serves the two single-page apps built by Vite: the backoffice (/admin) and the digital menu
 * (/m/:slug) with its service worker and per-merchant manifest. The API stays under /api/v1.
 */
export default class WebController {
  async asset({ params, request, response }: HttpContext) {
    const path = `assets/${(params['*'] as string[]).join('/')}`
    const raw = await readDistFile(path)
    if (!raw)
      return response
        .status(404)
        .send({ errors: [{ code: 'E_NOT_FOUND', message: 'Asset not found' }] })
    const { body, encoding } = encodedAsset(path, raw, request.header('accept-encoding'))
    response.header('Content-Type', contentType(path))
    response.header('Cache-Control', IMMUTABLE)
    response.header('Vary', 'Accept-Encoding')
    if (encoding) response.header('Content-Encoding', encoding)
    return response.send(await body)
  }

  async admin({ response }: HttpContext) {
    return this.#html(response, 'admin.html')
  }

  /**
   * A merchant that does not exist, or is not published yet (its owner has not verified the
   * address), gets the same 404 as the API gives it. The service worker's shell copy (/m/_shell)
   * names no merchant.
   */
  async menu({ params, response }: HttpContext) {
    const slug = String(params.slug)
    if (slug !== '_shell' && !(await this.#live(slug)))
      return response
        .status(404)
        .send({ errors: [{ code: 'E_MERCHANT_NOT_FOUND', message: 'Merchant not found' }] })
    return this.#html(response, 'menu.html')
  }

  async #live(reference: string) {
    const slug = reference.toLowerCase()
    const merchant = SLUG.test(slug) ? await merchantDirectory.bySlug(slug) : null
    return merchant !== null && merchant.published !== false
  }

  /** The worker's cache version is the hash of the shell file list: a new build replaces the old cache. */
  async serviceWorker({ response }: HttpContext) {
    const shell = ['/m/_shell', ...(await menuShellFiles())]
    const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12)
    const body = await readFile(app.makePath('resources/ui/service_worker.js'), 'utf8')
    response.header('Content-Type', contentType('sw.js'))
    response.header('Cache-Control', NO_CACHE)
    return response.send(
      `const SHELL_VERSION = ${JSON.stringify(version)}\nconst SHELL_FILES = ${JSON.stringify(shell)}\n${body}`
    )
  }

  async manifest({ params, response }: HttpContext) {
    const slug = String(params.slug)
    const merchant = SLUG.test(slug) ? await merchantDirectory.bySlug(slug) : null
    if (!merchant || merchant.published === false)
      return response
        .status(404)
        .send({ errors: [{ code: 'E_NOT_FOUND', message: 'Merchant not found' }] })
    response.header('Content-Type', contentType('manifest.webmanifest'))
    response.header('Cache-Control', NO_CACHE)
    return response.send({
      name: merchant.name,
      short_name: merchant.name.slice(0, 12),
      start_url: `/m/${slug}`,
      scope: `/m/${slug}`,
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#14532d',
      icons: [{ src: '/assets/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
    })
  }

  async #html(response: HttpContext['response'], file: string) {
    const body = await readDistFile(file)
    if (!body)
      return response.status(503).send('The web UI is not built yet: run the start command.')
    response.header('Content-Type', contentType(file))
    response.header('Cache-Control', NO_CACHE)
    return response.send(body)
  }
}
