import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const AuditLogController = () => import('#compliance/controllers/audit_log_controller')
const AdminGdprController = () => import('#compliance/controllers/admin_gdpr_controller')

export default function complianceRoutes(router: Router) {
  router
    .group(() => {
      router
        .get('/audit-log', [AuditLogController, 'index'])
        .use(middleware.staff({ roles: ['owner'] }))
    })
    .prefix('/api/v1/compliance')
    .use(middleware.throttle({ limit: 'api' }))

  router
    .group(() => {
      router.post('/gdpr/exports', [AdminGdprController, 'export'])
      router.post('/gdpr/erasures', [AdminGdprController, 'erase'])
      router.get('/gdpr/requests', [AdminGdprController, 'requests'])
    })
    .prefix('/api/v1/admin')
    .use([middleware.support(), middleware.throttle({ limit: 'api' })])
}
