import type { Router } from '@adonisjs/core/http'

const HealthController = () => import('#core/http/health_controller')

/**
 * The kernel's own endpoints. They serve no tenant and must answer while the database is down: they are
 * mounted outside every module, so the tenant resolver (which runs in each module's gate) never sees
 * them (no token lookup, no merchant lookup by subdomain).
 */
export function kernelRoutes(router: Router) {
  router.get('/health', [HealthController, 'live'])
  router.get('/ready', [HealthController, 'ready'])
  router.get('/metrics', [HealthController, 'metrics'])
}
