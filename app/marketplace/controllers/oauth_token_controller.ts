import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { OAuthError } from '#marketplace/oauth_error'
import { tokenGrants } from '#marketplace/services/token_grants'

/** The client credentials of an `Authorization: Basic` header (RFC 6749 2.3.1), or null without one. */
function basicCredentials(header: string | undefined) {
  if (!header) return null
  const [type, value] = header.split(' ')
  if (type.toLowerCase() !== 'basic')
    throw new OAuthError('invalid_client', 'Use HTTP Basic or client_secret in the body')
  const decoded = Buffer.from(value ?? '', 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials')
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' ')),
    }
  } catch {
    throw new OAuthError('invalid_client', 'Malformed HTTP Basic credentials')
  }
}

function refuse(ctx: HttpContext, error: OAuthError) {
  if (error.status === 401) ctx.response.header('WWW-Authenticate', 'Basic realm="oauth"')
  ctx.response
    .status(error.status)
    .json({ error: error.error, error_description: error.description })
}

/**
 * The token endpoint answers every refusal in RFC 6749 5.2's shape, including those of the body
 * parser and the rate limiter that run before it: the framework's error handler has already answered
 * those in our error body, which is rewritten here. A 5xx stays ours.
 */
export async function oauthErrors(ctx: HttpContext, next: NextFn) {
  if (ctx.route) ctx.route.meta.module = 'marketplace'
  ctx.response.header('Cache-Control', 'no-store')
  ctx.response.header('Pragma', 'no-cache')
  await next()
  const status = ctx.response.getStatus()
  if (status < 400 || status >= 500) return
  const body = ctx.response.getBody() as { errors?: Array<{ message?: unknown }> } | null
  if (!body || typeof body !== 'object' || !Array.isArray(body.errors)) return
  const message = body.errors[0]?.message
  const description = typeof message === 'string' && message ? message : 'Bad request'
  if (status === 401) {
    refuse(ctx, new OAuthError('invalid_client', description))
  } else {
    ctx.response.status(status).json({
      error: status === 429 ? 'slow_down' : 'invalid_request',
      error_description: description,
    })
  }
}

/** POST /oauth/token (RFC 6749 3.2): form or JSON body. */
export default class OAuthTokenController {
  async store(ctx: HttpContext) {
    const body = ctx.request.body()
    const params = body && typeof body === 'object' && !Array.isArray(body) ? body : {}
    try {
      const basic = basicCredentials(ctx.request.header('authorization'))
      return await tokenGrants.handle(params, basic)
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error
      refuse(ctx, error)
    }
  }
}
