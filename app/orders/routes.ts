import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'
import { UUID } from '#core/database/uuid'

const PublicOrdersController = () => import('#orders/controllers/public_orders_controller')
const OrdersController = () => import('#orders/controllers/orders_controller')
const PickupSlotsController = () => import('#orders/controllers/pickup_slots_controller')
const OrderSettingsController = () => import('#orders/controllers/order_settings_controller')

export default function ordersRoutes(router: Router) {
  // Customers: the merchant comes from X-Merchant (first form) or the path (second form).
  for (const prefix of ['/api/v1/orders', '/api/v1/orders/m/:merchantSlug']) {
    router
      .group(() => {
        router.post('/', [PublicOrdersController, 'store'])
        router.get('/pickup-slots/open', [PublicOrdersController, 'slots'])
        router.get('/track', [PublicOrdersController, 'track'])
      })
      .prefix(prefix)
      .use([middleware.tenant(), middleware.throttle({ limit: 'api' })])
  }

  // Staff of the merchant: orders; owners and managers: pickup slots and ordering settings.
  router
    .group(() => {
      router.get('/', [OrdersController, 'index'])
      router.get('/:id', [OrdersController, 'show']).where('id', UUID)
      router.patch('/:id/status', [OrdersController, 'transition']).where('id', UUID)
      router
        .group(() => {
          router.get('/pickup-slots', [PickupSlotsController, 'index'])
          router.post('/pickup-slots', [PickupSlotsController, 'store'])
          router.patch('/pickup-slots/:id', [PickupSlotsController, 'update'])
          router.get('/settings', [OrderSettingsController, 'show'])
          router.put('/settings', [OrderSettingsController, 'update'])
        })
        .use(middleware.staff({ roles: ['owner', 'manager'] }))
    })
    .prefix('/api/v1/orders')
    .use([middleware.staff(), middleware.throttle({ limit: 'api' })])
}
