import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'
import { readBody } from '#core/http/body_middleware'
import { oauthErrors } from '#marketplace/controllers/oauth_token_controller'

const OAuthTokenController = () => import('#marketplace/controllers/oauth_token_controller')

/**
 * The OAuth token endpoint. Mounted beside the module registry's routes, not behind the module gate:
 * clients authenticate with HTTP Basic (which the gate's bearer-token resolver would refuse) and it
 * serves no merchant until the code or token names one. Errors in RFC 6749 5.2's shape.
 */
export function oauthRoutes(router: Router) {
  router
    .post('/oauth/token', [OAuthTokenController, 'store'])
    .use([oauthErrors, readBody, middleware.throttle({ limit: 'api' })])
}
