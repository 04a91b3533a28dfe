import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { requireTenant, tenantDb } from '#tenancy/index'
import { NotFoundException } from '#core/exceptions/http_errors'
import type { OrderStatus } from '#orders/order_status'
import { trackingTokens } from '#orders/tracking_token'
import {
  ORDER_SELECT,
  presentOrder,
  type OrderItemRow,
  type OrderRow,
} from '#orders/services/order_presenter'

async function withItems(client: QueryClientContract, orders: OrderRow[]) {
  if (orders.length === 0) return []
  const items: OrderItemRow[] = await client
    .from('order_items')
    .where('merchant_id', requireTenant().merchantId)
    .whereIn(
      'order_id',
      orders.map((order) => order.id)
    )
    .orderBy(['order_id', 'position'])
  const byOrder = new Map<string, OrderItemRow[]>()
  for (const item of items)
    byOrder.set(item.order_id, [...(byOrder.get(item.order_id) ?? []), item])
  return orders.map((order) => presentOrder(order, byOrder.get(order.id) ?? []))
}

/** Reads of the current merchant's orders; another merchant's order is simply not found. */
export class OrderQueries {
  async find(id: string, client: QueryClientContract = tenantDb()) {
    const order: OrderRow | null = await client
      .from('orders')
      .select(client.raw(ORDER_SELECT))
      .where({ merchant_id: requireTenant().merchantId, id })
      .first()
    if (!order) throw new NotFoundException('Order not found')
    const [withLines] = await withItems(client, [order])
    return withLines
  }

  /** The order a tracking token opens, or null (wrong merchant, unknown token). */
  async byTrackingToken(token: unknown) {
    const { merchantId } = requireTenant()
    if (trackingTokens.merchantOf(token) !== merchantId) return null
    const client = tenantDb()
    const order: OrderRow | null = await client
      .from('orders')
      .select(client.raw(ORDER_SELECT))
      .where({ merchant_id: merchantId, tracking_token_hash: trackingTokens.hash(token as string) })
      .first()
    if (!order) return null
    const [withLines] = await withItems(client, [order])
    return withLines
  }

  /**
   * Staff list, newest first. A status filter walks the seed index (merchant_id, status, created_at DESC);
   * a date is the merchant's local business day, turned into a created_at range in its time zone.
   */
  async list(filters: { status?: OrderStatus; date?: Date; page?: number; perPage?: number }) {
    const tenant = requireTenant()
    const page = filters.page ?? 1
    const perPage = filters.perPage ?? 25
    const client = tenantDb()
    const query = client.from('orders').where('merchant_id', tenant.merchantId)
    if (filters.status) query.where('status', filters.status)
    if (filters.date) {
      const day = localDay(filters.date)
      query
        .whereRaw(`created_at >= (?::date)::timestamp AT TIME ZONE ?`, [day, tenant.timezone])
        .whereRaw(`created_at < (?::date + 1)::timestamp AT TIME ZONE ?`, [day, tenant.timezone])
    }
    const [{ total }] = await query.clone().count('* as total')
    const rows: OrderRow[] = await query
      .select(client.raw(ORDER_SELECT))
      // Exactly the index order (no tie-breaker column), so a page is read straight off the index without a sort.
      .orderBy('created_at', 'desc')
      .limit(perPage)
      .offset((page - 1) * perPage)
    const count = Number(total)
    return {
      data: await withItems(client, rows),
      meta: {
        total: count,
        page,
        per_page: perPage,
        last_page: Math.max(1, Math.ceil(count / perPage)),
      },
    }
  }
}

export const orderQueries = new OrderQueries()

/** YYYY-MM-DD of a date parsed from YYYY-MM-DD by the validator (in this process's local time). */
function localDay(date: Date) {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}
