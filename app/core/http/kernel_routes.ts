import type { Router } from '@adonisjs/core/http'

const HealthController = () => import('#core/http/health_controller')

/**
 * The kernel's own endpoints. They serve no tenant and must answer while the database is down, so the
 * tenant resolver leaves them alone (no token lookup, no merchant lookup by subdomain).
 */
export const KERNEL_PATHS = new Set(['/health', '/ready', '/metrics'])

export function kernelRoutes(router: Router) {
  router.get('/health', [HealthController, 'live'])
  router.get('/ready', [HealthController, 'ready'])
  router.get('/metrics', [HealthController, 'metrics'])
}
