/*
 * HTTP middleware. Server middleware runs for every request (matched or not); route middleware (the
 * functions below, and each module's body reader and gate) where a route asks for it.
 */
import server from '@adonisjs/core/services/server'
import { requireTenant } from '#tenancy/middleware/require_tenant_middleware'
import { requireStaff } from '#tenancy/middleware/require_staff_middleware'
import { requireSupport } from '#tenancy/middleware/require_support_middleware'
import { throttle } from '#tenancy/middleware/throttle_middleware'

server.errorHandler(() => import('#core/exceptions/handler'))

server.use([() => import('#core/http/request_context_middleware')])

// No router middleware: a module route's body is read by readBody (app/core/http/body_middleware.ts),
// mounted with each module's gate, so a request to no route never has its body read. The request
// context middleware also writes the wire format; staff tokens are checked by the resolver.

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
