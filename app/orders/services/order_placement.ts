import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { Infer } from '@vinejs/vine/types'
import { requireTenant, shardRouter } from '#tenancy/index'
import { loadOrderableItems } from '#menu/index'
import { enqueueNotifications } from '#notifications/index'
import { ContactRequiredException } from '#orders/exceptions'
import { trackingTokens } from '#orders/tracking_token'
import type { placeOrderValidator } from '#orders/validators/order_validators'
import { priceOrder, type PricedOrder } from '#orders/services/pricing'
import { pickupSlots } from '#orders/services/pickup_slots'
import { idempotency, type StoredResponse } from '#orders/services/idempotency'
import { presentOrder, type PresentedOrder } from '#orders/services/order_presenter'
import { orderPublisher } from '#orders/services/order_publisher'

export type PlaceOrderInput = Infer<typeof placeOrderValidator>

/** Who is ordering: a signed-in customer (their user id and email) or a guest (null). */
export type Customer = { userId: string; email: string } | null

export type PlacementResult = { status: number; body: StoredResponse['body']; replayed: boolean }

type Contact = { name: string; email: string | null; phone: string | null; userId: string | null }

function contactOf(input: PlaceOrderInput, customer: Customer): Contact {
  if (customer) {
    return {
      name: input.customer?.name ?? customer.email.split('@')[0],
      email: input.customer?.email ?? customer.email,
      phone: input.customer?.phone ?? null,
      userId: customer.userId,
    }
  }
  if (!input.customer) throw new ContactRequiredException({ field: 'customer' })
  if (!input.customer.email && !input.customer.phone) {
    throw new ContactRequiredException('Guests must give an email or a phone number', {
      field: 'customer.email',
    })
  }
  return {
    name: input.customer.name,
    email: input.customer.email ?? null,
    phone: input.customer.phone ?? null,
    userId: null,
  }
}

/**
 * Places a pickup order. Everything happens in ONE shard transaction: the idempotency key, the
 * menu read and pricing (on the primary, at the slot's time), the slot place, the daily number,
 * the order and its lines, and the outbox rows of its notifications. After the commit, events,
 * metrics and broadcasts go out without being awaited: the response never waits on a listener,
 * a mail server or a webhook.
 */
export async function placeOrder(
  input: PlaceOrderInput,
  options: { customer: Customer; idempotencyKey?: string }
): Promise<PlacementResult> {
  const contact = contactOf(input, options.customer)
  const requestHash = options.idempotencyKey ? idempotency.requestHash(input, contact.userId) : null

  const outcome = await shardRouter.transaction(async (trx) => {
    if (options.idempotencyKey) {
      const replay = await idempotency.claim(trx, options.idempotencyKey, requestHash!)
      if (replay) return { replay }
    }
    const slot = await pickupSlots.orderable(trx, input.pickup_slot_id)
    const menu = await loadOrderableItems(
      input.items.map((line) => line.item_id),
      { client: trx, at: new Date(slot.starts_at) }
    )
    const priced = priceOrder(input.items, menu)
    await pickupSlots.reserve(trx, slot.id)
    const { order, token } = await insertOrder(trx, {
      contact,
      priced,
      slot,
      notes: input.notes ?? null,
    })
    const response: StoredResponse = {
      status: 201,
      body: { data: { ...order, tracking_token: token } },
    }
    await notifyPlaced(trx, order)
    if (options.idempotencyKey)
      await idempotency.store(trx, options.idempotencyKey, order.id, response)
    return { order, response }
  })

  if ('replay' in outcome) return { ...outcome.replay!, replayed: true }
  orderPublisher.created(requireTenant().merchantId, outcome.order)
  return { ...outcome.response, replayed: false }
}

async function insertOrder(
  trx: TransactionClientContract,
  input: {
    contact: Contact
    priced: PricedOrder
    slot: { id: string; starts_at: Date }
    notes: string | null
  }
): Promise<{ order: PresentedOrder; token: string }> {
  const tenant = requireTenant()
  // The day's counter row is locked until COMMIT: numbers are gapless per merchant and local day.
  const counter = await trx.rawQuery(
    `INSERT INTO order_daily_counters (merchant_id, shard_id, business_date, last_number)
     VALUES (?, ?, (now() AT TIME ZONE ?)::date, 1)
     ON CONFLICT (merchant_id, business_date) DO UPDATE SET last_number = order_daily_counters.last_number + 1
     RETURNING business_date::text AS business_date, last_number`,
    [tenant.merchantId, tenant.shardId, tenant.timezone]
  )
  const { business_date: businessDate, last_number: number } = counter.rows[0]
  const { token, hash } = trackingTokens.issue(tenant.merchantId)
  const { contact, priced } = input
  const [order] = await trx
    .table('orders')
    .insert({
      merchant_id: tenant.merchantId,
      shard_id: tenant.shardId,
      business_date: businessDate,
      number,
      customer_user_id: contact.userId,
      customer_name: contact.name,
      customer_email: contact.email,
      customer_phone: contact.phone,
      pickup_slot_id: input.slot.id,
      pickup_at: input.slot.starts_at,
      currency: priced.currency,
      subtotal_minor: priced.subtotal_minor,
      total_minor: priced.total_minor,
      notes: input.notes,
      tracking_token_hash: hash,
    })
    .returning('*')
  const items = await trx
    .table('order_items')
    .insert(
      priced.lines.map((line) => ({
        ...line,
        modifiers: JSON.stringify(line.modifiers),
        merchant_id: tenant.merchantId,
        shard_id: tenant.shardId,
        order_id: order.id,
      }))
    )
    .returning('*')
  // business_date as text: pg would turn a DATE into a local-midnight Date.
  return { order: presentOrder({ ...order, business_date: businessDate }, items), token }
}

/** The outbox rows, in the order's transaction: they commit (or vanish) with it. */
async function notifyPlaced(trx: TransactionClientContract, order: PresentedOrder) {
  const total = `${(order.total_minor / 100).toFixed(2)} ${order.currency}`
  await enqueueNotifications(trx, {
    event: 'order.created',
    payload: {
      orderId: order.id,
      number: order.number,
      status: order.status,
      totalMinor: order.total_minor,
      currency: order.currency,
      pickupAt: order.pickup.at,
    },
    message: {
      title: `Order #${order.number} received`,
      body: `${order.items.length} item(s), ${total}, pickup ${order.pickup.at}`,
    },
    recipients: {
      email: order.customer.email ? [order.customer.email] : [],
      sms: order.customer.phone ? [order.customer.phone] : [],
    },
    priority: 'high',
    idempotencyKey: `order:${order.id}:created`,
  })
}
