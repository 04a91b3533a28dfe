import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const ListingController = () => import('#marketplace/controllers/listing_controller')

/** Merchant routes (behind the module gate): the listing a merchant's owner browses. */
export default function marketplaceRoutes(router: Router) {
  router
    .group(() => {
      router.get('/apps', [ListingController, 'index'])
      router.get('/apps/:slug', [ListingController, 'show'])
    })
    .prefix('/api/v1/marketplace')
    .use([middleware.staff({ roles: ['owner'] }), middleware.throttle({ limit: 'api' })])
}
