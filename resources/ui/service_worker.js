/* The digital menu's service worker (served at /m/sw.js with SHELL_VERSION and SHELL_FILES prepended).
 * - the app shell (HTML and its hashed assets) is cached at install: the menu opens offline;
 * - menus and merchant profiles: network first, the last good answer when offline;
 * - orders, tracking, analytics: never cached. */
/* global SHELL_VERSION, SHELL_FILES */
const SHELL = `shell-${SHELL_VERSION}`
const DATA = 'menu-data-v1'

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('shell-') && key !== SHELL).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  )
})

async function networkFirst(request, cacheName, fallbackKey) {
  try {
    const response = await fetch(request)
    if (response.ok) {
      const cache = await caches.open(cacheName)
      await cache.put(fallbackKey ?? request, response.clone())
    }
    return response
  } catch (error) {
    const cached = await caches.match(fallbackKey ?? request)
    if (cached) return cached
    throw error
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== location.origin) return
  if (request.mode === 'navigate' && url.pathname.startsWith('/m/')) {
    event.respondWith(networkFirst(request, SHELL, '/m/_shell'))
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)))
  } else if (url.pathname.startsWith('/api/v1/menus/') || url.pathname === '/api/v1/tenancy/merchant') {
    // The merchant profile is keyed by X-Merchant, which the cache key does not see: key it by slug.
    const key = url.pathname === '/api/v1/tenancy/merchant' ? `/api/v1/tenancy/merchant?slug=${request.headers.get('x-merchant') ?? ''}` : undefined
    event.respondWith(networkFirst(request, DATA, key))
  }
})
