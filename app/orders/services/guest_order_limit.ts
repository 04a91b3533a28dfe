import limiter from '@adonisjs/limiter/services/main'
import { guestOrders } from '#config/rate_limits'
import { GuestOrderLimitException } from '#orders/exceptions'

let counter: ReturnType<typeof limiter.use> | undefined

/**
 * Places a guest order under the per-address limit of its merchant and pickup slot. Only orders
 * that were placed count: a refused or replayed request gives its unit back.
 */
export async function withGuestOrderLimit<T extends { replayed: boolean }>(
  who: { ip: string; merchantId: string; slotId: string },
  place: () => Promise<T>
): Promise<T> {
  counter ??= limiter.use({ requests: guestOrders.perSlot, duration: guestOrders.duration })
  const key = `guest_orders:${who.merchantId}:${who.slotId}:${who.ip}`
  const taken = await counter.increment(key)
  if (taken.consumed > taken.limit) {
    await counter.decrement(key)
    throw new GuestOrderLimitException()
  }
  try {
    const result = await place()
    if (result.replayed) await counter.decrement(key)
    return result
  } catch (error) {
    await counter.decrement(key)
    throw error
  }
}
