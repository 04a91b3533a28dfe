import type { HttpContext } from '@adonisjs/core/http'
import { listOrdersValidator, transitionValidator } from '#orders/validators/order_validators'
import { orderQueries } from '#orders/services/order_queries'
import { transitionOrder } from '#orders/services/order_transitions'
import { pathId } from '#core/http/path_id'

/** Staff: the order list (kitchen, counter), one order, and status changes. */
export default class OrdersController {
  async index({ request }: HttpContext) {
    const filters = await listOrdersValidator.validate(request.qs())
    return orderQueries.list({
      status: filters.status,
      date: filters.date,
      page: filters.page,
      perPage: filters.per_page,
    })
  }

  async show({ params }: HttpContext) {
    return { data: await orderQueries.find(await pathId(params, 'Order')) }
  }

  async transition({ params, request, actor }: HttpContext) {
    const id = await pathId(params, 'Order')
    const { status, reason } = await request.validateUsing(transitionValidator)
    return {
      data: await transitionOrder(id, status, { reason, actorUserId: actor?.userId ?? null }),
    }
  }
}
