import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const BriefingsController = () => import('#ai_briefings/controllers/briefings_controller')

/** Under the analytics prefix for clients, but gated by the ai_briefings module. */
export default function aiBriefingsRoutes(router: Router) {
  router
    .group(() => {
      router.get('/briefings', [BriefingsController, 'index']).use(middleware.staff())
    })
    .prefix('/api/v1/analytics')
    .use(middleware.throttle({ limit: 'api' }))
}
