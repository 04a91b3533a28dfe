/** The life of a pickup order. */
export const ORDER_STATUSES = [
  'pending',
  'accepted',
  'rejected',
  'preparing',
  'ready',
  'completed',
  'cancelled',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/**
 * Legal moves: pending -> accepted | rejected, accepted -> preparing -> ready -> completed, and
 * cancelled from any status that is not final yet. rejected, completed and cancelled are final.
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['accepted', 'rejected', 'cancelled'],
  accepted: ['preparing', 'cancelled'],
  preparing: ['ready', 'cancelled'],
  ready: ['completed', 'cancelled'],
  rejected: [],
  completed: [],
  cancelled: [],
}

/** Statuses an order must be in to move to `to`. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((from) => TRANSITIONS[from].includes(to))
}

export function canMove(from: OrderStatus, to: OrderStatus) {
  return TRANSITIONS[from].includes(to)
}

/** Statuses that give the pickup slot's place back. */
export const RELEASES_SLOT: ReadonlySet<OrderStatus> = new Set(['rejected', 'cancelled'])
