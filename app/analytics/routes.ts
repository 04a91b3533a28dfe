import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const EventsController = () => import('#analytics/controllers/events_controller')
const DashboardController = () => import('#analytics/controllers/dashboard_controller')

/**
 * Ingestion is public (the digital menu): the merchant comes from the X-Merchant header, or from the
 * slug in the path for clients that cannot set headers (sendBeacon). It has its own `ingest` limit
 * (per client IP and merchant, like `api`, but higher: guests behind one café Wi-Fi share an IP).
 */
export default function analyticsRoutes(router: Router) {
  router
    .group(() => {
      router.post('/events', [EventsController, 'store']).use(middleware.tenant())
      router.post('/m/:merchantSlug/events', [EventsController, 'store']).use(middleware.tenant())
    })
    .prefix('/api/v1/analytics')
    .use(middleware.throttle({ limit: 'ingest' }))

  router
    .group(() => {
      router.get('/dashboard', [DashboardController, 'show']).use(middleware.staff())
    })
    .prefix('/api/v1/analytics')
    .use(middleware.throttle({ limit: 'api' }))
}
