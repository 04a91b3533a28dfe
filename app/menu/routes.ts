import type { Router } from '@adonisjs/core/http'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { middleware } from '#start/kernel'
import { STAFF_CACHE_CONTROL } from '#menu/http/menu_http'

const PublicMenuController = () => import('#menu/controllers/public_menu_controller')
const CategoriesController = () => import('#menu/controllers/categories_controller')
const ItemsController = () => import('#menu/controllers/items_controller')
const ModifiersController = () => import('#menu/controllers/modifiers_controller')
const BulkController = () => import('#menu/controllers/bulk_controller')

/** Staff answers are per user and change on every edit: never stored by browsers or proxies. */
async function noStore(ctx: HttpContext, next: NextFn) {
  ctx.response.header('Cache-Control', STAFF_CACHE_CONTROL)
  return next()
}

export default function menuRoutes(router: Router) {
  // Public: the :merchantSlug param makes the kernel resolve the merchant.
  router
    .get('/api/v1/menus/:merchantSlug', [PublicMenuController, 'show'])
    .use(middleware.throttle({ limit: 'api' }))

  router
    .group(() => {
      router.get('/', [CategoriesController, 'tree'])

      router.post('/categories', [CategoriesController, 'store'])
      router.post('/categories/reorder', [CategoriesController, 'reorder'])
      router.get('/categories/:id', [CategoriesController, 'show'])
      router.patch('/categories/:id', [CategoriesController, 'update'])
      router.delete('/categories/:id', [CategoriesController, 'destroy'])
      router.post('/categories/:id/items/reorder', [ItemsController, 'reorder'])

      router.post('/items', [ItemsController, 'store'])
      router.get('/items/:id', [ItemsController, 'show'])
      router.patch('/items/:id', [ItemsController, 'update'])
      router.delete('/items/:id', [ItemsController, 'destroy'])
      router.put('/items/:id/sold-out', [ItemsController, 'soldOut'])
      router.post('/items/:id/modifier-groups', [ModifiersController, 'storeGroup'])

      router.get('/modifier-groups/:id', [ModifiersController, 'showGroup'])
      router.patch('/modifier-groups/:id', [ModifiersController, 'updateGroup'])
      router.delete('/modifier-groups/:id', [ModifiersController, 'destroyGroup'])
      router.post('/modifier-groups/:id/options', [ModifiersController, 'storeOption'])

      router.get('/modifier-options/:id', [ModifiersController, 'showOption'])
      router.patch('/modifier-options/:id', [ModifiersController, 'updateOption'])
      router.delete('/modifier-options/:id', [ModifiersController, 'destroyOption'])

      router.post('/imports', [BulkController, 'startImport'])
      router.get('/imports/:id', [BulkController, 'status'])
      router.post('/exports', [BulkController, 'startExport'])
      router.get('/exports/:id', [BulkController, 'status'])
      router.get('/exports/:id/download', [BulkController, 'download'])
    })
    .prefix('/api/v1/menu')
    .use([
      noStore,
      middleware.staff({ roles: ['owner', 'manager'] }),
      middleware.throttle({ limit: 'api' }),
    ])
}
