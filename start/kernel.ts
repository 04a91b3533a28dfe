/*
 * HTTP middleware. Server middleware runs for every request (matched or not); router middleware for
 * every matched route; named middleware where a route asks for it.
 */
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#core/exceptions/handler'))

server.use([() => import('#core/http/request_context_middleware')])

// The body parser runs only for a matched route: a request to no route never has its body read
// (config/bodyparser.ts: multipart files are never written to disk by the parser).
// request_context_middleware also writes the wire format; staff tokens are checked by the resolver.
router.use([
  () => import('@adonisjs/core/bodyparser_middleware'),
  () => import('#tenancy/middleware/resolve_tenant_middleware'),
])

export const middleware = router.named({
  tenant: () => import('#tenancy/middleware/require_tenant_middleware'),
  staff: () => import('#tenancy/middleware/require_staff_middleware'),
  support: () => import('#tenancy/middleware/require_support_middleware'),
  throttle: () => import('#tenancy/middleware/throttle_middleware'),
})
