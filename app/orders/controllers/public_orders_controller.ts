import type { HttpContext } from '@adonisjs/core/http'
import { AppException } from '#core/exceptions/app_exception'
import { NotFoundException, ValidationException } from '#core/exceptions/http_errors'
import { orderRefusals } from '#orders/metrics'
import { idempotencyKeyValidator, placeOrderValidator } from '#orders/validators/order_validators'
import { placeOrder, type Customer } from '#orders/services/order_placement'
import { withGuestOrderLimit } from '#orders/services/guest_order_limit'
import { orderQueries } from '#orders/services/order_queries'
import { pickupSlots } from '#orders/services/pickup_slots'

/**
 * Customers, on the merchant's public surface (X-Merchant header or /m/:merchantSlug): place an
 * order, see the open pickup slots, follow an order with its tracking token.
 */
export default class PublicOrdersController {
  async store({ request, response, actor, tenant }: HttpContext) {
    const rawKey = request.header('idempotency-key')
    let idempotencyKey: string | undefined
    if (rawKey !== undefined) {
      const valid = await idempotencyKeyValidator.validate({ key: rawKey }).catch(() => null)
      if (!valid)
        throw new ValidationException('Idempotency-Key must be 1 to 255 visible ASCII characters', {
          field: 'Idempotency-Key',
        })
      idempotencyKey = valid.key
    }
    const input = await request.validateUsing(placeOrderValidator)
    // Staff ordering at the counter order for a guest; any other signed-in user orders for themself.
    const staffHere = actor?.merchantId === tenant!.merchantId
    const customer: Customer =
      actor && !staffHere ? { userId: actor.userId, email: actor.email } : null
    const place = () => placeOrder(input, { customer, idempotencyKey })
    // Anonymous guests only: a signed-in customer answers for their orders, staff order at the counter.
    const who = { ip: request.ip(), merchantId: tenant!.merchantId, slotId: input.pickup_slot_id }
    const result = await (actor ? place() : withGuestOrderLimit(who, place)).catch((error) => {
      if (error instanceof AppException) orderRefusals.inc({ code: String(error.code) })
      throw error
    })
    if (result.replayed) response.header('Idempotent-Replayed', 'true')
    return response.status(result.status).send(result.body)
  }

  async slots() {
    return { data: await pickupSlots.list({ staff: false }) }
  }

  async track({ request }: HttpContext) {
    const order = await orderQueries.byTrackingToken(request.header('x-tracking-token'))
    if (!order) throw new NotFoundException('Order not found')
    return { data: order }
  }
}
