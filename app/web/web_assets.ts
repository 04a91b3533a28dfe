import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import app from '@adonisjs/core/services/app'

/** Where `vite build` writes the two single-page apps (built by the start and test commands, never committed). */
export const UI_DIST = app.makePath('public/ui')

/** Hashed file names change with their content, so browsers and CDNs may keep them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** HTML, the service worker and the manifest name the current hashes: always revalidated. */
export const NO_CACHE = 'no-cache'

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
}

export function contentType(path: string) {
  return TYPES[extname(path)] ?? 'application/octet-stream'
}

/** A path under the dist folder, or null when the request tries to leave it. */
export function safeDistPath(relative: string): string | null {
  const full = normalize(join(UI_DIST, relative))
  return full.startsWith(UI_DIST + sep) ? full : null
}

export async function readDistFile(relative: string): Promise<Buffer | null> {
  const full = safeDistPath(relative)
  if (!full) return null
  const info = await stat(full).catch(() => null)
  if (!info?.isFile()) return null
  return readFile(full)
}

type ViteManifest = Record<
  string,
  { file: string; css?: string[]; imports?: string[]; isEntry?: boolean }
>

/** Every file the digital menu needs to start offline: its entry, the chunks it imports, their CSS. */
export async function menuShellFiles(): Promise<string[]> {
  const raw = await readDistFile('.vite/manifest.json')
  if (!raw) return []
  const manifest = JSON.parse(raw.toString()) as ViteManifest
  const files = new Set<string>()
  const visit = (key: string) => {
    const chunk = manifest[key]
    if (!chunk || files.has(`/${chunk.file}`)) return
    files.add(`/${chunk.file}`)
    for (const css of chunk.css ?? []) files.add(`/${css}`)
    for (const imported of chunk.imports ?? []) visit(imported)
  }
  visit('menu.html')
  return [...files]
}

const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.html'])
const compressed = new Map<string, Promise<Buffer>>()
const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

/**
 * The best encoding the client takes for a text asset, compressed once per process: hashed files never
 * change, so the compressed bytes are kept (a few hundred KiB for both apps).
 */
export function encodedAsset(
  path: string,
  body: Buffer,
  acceptEncoding: string | undefined
): { body: Promise<Buffer>; encoding: string | null } {
  if (!COMPRESSIBLE.has(extname(path)) || body.length < 1024)
    return { body: Promise.resolve(body), encoding: null }
  const accepts = (acceptEncoding ?? '').toLowerCase()
  const encoding = accepts.includes('br') ? 'br' : accepts.includes('gzip') ? 'gzip' : null
  if (!encoding) return { body: Promise.resolve(body), encoding: null }
  const key = `${encoding}:${path}`
  let pending = compressed.get(key)
  if (!pending) {
    pending =
      encoding === 'br'
        ? brotli(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 9,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          })
        : gzipAsync(body, { level: 9 })
    compressed.set(key, pending)
  }
  return { body: pending, encoding }
}
