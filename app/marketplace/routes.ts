import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const ListingController = () => import('#marketplace/controllers/listing_controller')
const ConsentController = () => import('#marketplace/controllers/consent_controller')
const InstallationsController = () => import('#marketplace/controllers/installations_controller')

/**
 * Merchant routes (behind the module gate), for the merchant's owner: the listing, the consent to an
 * install (OAuth authorization request) and the installed apps.
 */
export default function marketplaceRoutes(router: Router) {
  router
    .group(() => {
      router.get('/apps', [ListingController, 'index'])
      router.get('/apps/:slug', [ListingController, 'show'])
      router.get('/authorize', [ConsentController, 'show'])
      router.post('/authorize', [ConsentController, 'decide'])
      router.get('/installations', [InstallationsController, 'index'])
      router.delete('/installations/:id', [InstallationsController, 'destroy'])
    })
    .prefix('/api/v1/marketplace')
    .use([middleware.staff({ roles: ['owner'] }), middleware.throttle({ limit: 'api' })])
}
