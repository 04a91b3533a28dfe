import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { Secret } from '@adonisjs/core/helpers'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

/**
 * The app key encrypts cookies and signed values. Production must set its own.
 */
const DEV_KEY = 'dev-only-key-0123456789abcdefghijklmnop'
if (app.inProduction && !env.get('APP_KEY')) {
  throw new Error('APP_KEY must be set in production')
}
export const appKey = new Secret(env.get('APP_KEY') ?? DEV_KEY)

/**
 * X-Forwarded-For is honoured only when the direct peer is one of these proxies.
 * Empty means trust nobody: request.ip() is then the socket address.
 */
const trustedProxies = (env.get('TRUSTED_PROXIES') ?? '')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean)

export const http = defineConfig({
  // The request id is ours (cheap, and honours an incoming X-Request-Id); see request_context_middleware.
  generateRequestId: false,
  allowMethodSpoofing: false,
  useAsyncLocalStorage: true,
  trustProxy: trustedProxies.length > 0 ? proxyAddr.compile(trustedProxies) : () => false,
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
