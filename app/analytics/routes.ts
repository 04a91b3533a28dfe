import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const EventsController = () => import('#analytics/controllers/events_controller')
const DashboardController = () => import('#analytics/controllers/dashboard_controller')

/**
 * Ingestion is public (the digital menu): the merchant comes from the X-Merchant header, or from the
 * slug in the path for clients that cannot set headers (sendBeacon). Rate limited per client and merchant.
 */
export default function analyticsRoutes(router: Router) {
  router
    .group(() => {
      router.post('/events', [EventsController, 'store']).use(middleware.tenant())
      router.post('/m/:merchantSlug/events', [EventsController, 'store']).use(middleware.tenant())
      router.get('/dashboard', [DashboardController, 'show']).use(middleware.staff())
    })
    .prefix('/api/v1/analytics')
    .use(middleware.throttle({ limit: 'api' }))
}
