/*
 * HTTP middleware. Server middleware runs for every request (matched or not); router middleware for
 * every matched route; route middleware (the functions below) where a route asks for it.
 */
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'
import { requireTenant } from '#tenancy/middleware/require_tenant_middleware'
import { requireStaff } from '#tenancy/middleware/require_staff_middleware'
import { requireSupport } from '#tenancy/middleware/require_support_middleware'
import { throttle } from '#tenancy/middleware/throttle_middleware'

server.errorHandler(() => import('#core/exceptions/handler'))

server.use([() => import('#core/http/request_context_middleware')])

// The body parser runs only for a matched route: a request to no route never has its body read
// (config/bodyparser.ts: multipart files are never written to disk by the parser).
// request_context_middleware also writes the wire format; staff tokens are checked by the resolver.
router.use([() => import('@adonisjs/core/bodyparser_middleware')])

/**
 * Route middleware are plain functions: AdonisJS calls them directly, where a named middleware class
 * is resolved through the container on every request. The tenant resolver runs inside each module's
 * gate (app/tenancy/middleware/module_gate_middleware.ts).
 */
export const middleware = {
  tenant: () => requireTenant,
  staff: requireStaff,
  support: () => requireSupport,
  throttle,
}
