import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const DeveloperAccountController = () =>
  import('#marketplace/controllers/developer_account_controller')
const DeveloperAppsController = () => import('#marketplace/controllers/developer_apps_controller')
const AdminMarketplaceController = () =>
  import('#marketplace/controllers/admin_marketplace_controller')

/**
 * Routes of no merchant (defineModule({ platformRoutes })): the developer API, for any signed-in
 * user, and platform support's review API.
 */
export default function marketplacePlatformRoutes(router: Router) {
  router
    .group(() => {
      router.post('/account', [DeveloperAccountController, 'store'])
      router.get('/account', [DeveloperAccountController, 'show'])
      router.get('/apps', [DeveloperAppsController, 'index'])
      router.post('/apps', [DeveloperAppsController, 'store'])
      router.get('/apps/:id', [DeveloperAppsController, 'show'])
      router.patch('/apps/:id', [DeveloperAppsController, 'update'])
      router.delete('/apps/:id', [DeveloperAppsController, 'destroy'])
      router.post('/apps/:id/submit', [DeveloperAppsController, 'submit'])
      router.post('/apps/:id/secret', [DeveloperAppsController, 'rotateSecret'])
    })
    .prefix('/api/v1/developer')
    .use(middleware.throttle({ limit: 'api' }))

  router
    .group(() => {
      router.get('/developers', [AdminMarketplaceController, 'developers'])
      router.post('/developers/:id/verify', [AdminMarketplaceController, 'verify'])
      router.post('/developers/:id/suspend', [AdminMarketplaceController, 'suspend'])
      router.get('/apps', [AdminMarketplaceController, 'apps'])
      router.post('/apps/:id/approve', [AdminMarketplaceController, 'approve'])
      router.post('/apps/:id/reject', [AdminMarketplaceController, 'reject'])
      router.post('/apps/:id/list', [AdminMarketplaceController, 'list'])
    })
    .prefix('/api/v1/admin/marketplace')
    .use([middleware.support(), middleware.throttle({ limit: 'api' })])
}
