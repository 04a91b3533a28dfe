import vine from '@vinejs/vine'
import { ORDER_STATUSES } from '#orders/order_status'

const PHONE = /^\+[1-9][0-9]{6,14}$/

/**
 * A customer's order. Only ids and quantities are read: any price the client sends is dropped here
 * (VineJS keeps known properties only) and every price is computed on the server.
 */
export const placeOrderValidator = vine.compile(
  vine.object({
    pickup_slot_id: vine.string().uuid(),
    customer: vine
      .object({
        name: vine.string().trim().minLength(1).maxLength(200),
        email: vine.string().trim().email().maxLength(254).optional(),
        phone: vine.string().trim().regex(PHONE).optional(),
      })
      .optional(),
    items: vine
      .array(
        vine.object({
          item_id: vine.string().uuid(),
          quantity: vine.number().withoutDecimals().range([1, 50]),
          option_ids: vine.array(vine.string().uuid()).maxLength(30).distinct().optional(),
          notes: vine.string().trim().maxLength(300).optional(),
        })
      )
      .minLength(1)
      .maxLength(50),
    notes: vine.string().trim().maxLength(500).optional(),
  })
)

export const transitionValidator = vine.compile(
  vine.object({
    status: vine.enum(ORDER_STATUSES),
    reason: vine.string().trim().minLength(1).maxLength(500).optional(),
  })
)

export const listOrdersValidator = vine.compile(
  vine.object({
    status: vine.enum(ORDER_STATUSES).optional(),
    /** The merchant's local business day, YYYY-MM-DD. */
    date: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
    page: vine.number().withoutDecimals().range([1, 10_000]).optional(),
    per_page: vine.number().withoutDecimals().range([1, 100]).optional(),
  })
)

export const idempotencyKeyValidator = vine.compile(
  vine.object({
    key: vine
      .string()
      .trim()
      .minLength(1)
      .maxLength(255)
      .regex(/^[\x21-\x7e]+$/),
  })
)
