import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { requireTenant, shardRouter, tenantDb } from '#tenancy/index'
import { NotFoundException } from '#core/exceptions/http_errors'
import { ValidationException } from '#core/exceptions/http_errors'
import {
  SlotClosedException,
  SlotExistsException,
  SlotFullException,
  SlotNotFoundException,
} from '#orders/exceptions'

const iso = (value: Date) => value.toISOString()

/** A pickup_slots row. */
export type PickupSlotRow = {
  id: string
  merchant_id: string
  starts_at: Date
  ends_at: Date
  capacity: number
  booked: number
  is_active: boolean
}

export function presentSlot(row: PickupSlotRow, staff: boolean) {
  const remaining = Math.max(0, row.capacity - row.booked)
  return {
    id: row.id,
    starts_at: iso(row.starts_at),
    ends_at: iso(row.ends_at),
    remaining,
    is_full: remaining === 0,
    // Customers see what is left; staff also see the capacity they set and what is booked.
    ...(staff ? { capacity: row.capacity, booked: row.booked, is_active: row.is_active } : {}),
  }
}

/**
 * Pickup slots: windows with a capacity set by the merchant. A place is taken with one conditional
 * UPDATE (booked < capacity): PostgreSQL re-checks the condition on the latest row version after
 * waiting for a concurrent taker's lock, so two customers can never both get the last place.
 */
export class PickupSlots {
  /** A slot an order may name now (active, not over yet), or a 422 on pickup_slot_id. */
  async orderable(trx: TransactionClientContract, slotId: string) {
    const slot = await trx
      .from('pickup_slots')
      .where({ merchant_id: requireTenant().merchantId, id: slotId })
      .select('id', 'starts_at', 'ends_at', 'is_active', trx.raw('ends_at <= now() AS is_over'))
      .first()
    if (!slot) throw new SlotNotFoundException({ field: 'pickup_slot_id' })
    if (!slot.is_active || slot.is_over) throw new SlotClosedException({ field: 'pickup_slot_id' })
    return slot as { id: string; starts_at: Date; ends_at: Date }
  }

  /** Takes one place (held by the caller's transaction until it commits) or throws 409 E_SLOT_FULL. */
  async reserve(trx: TransactionClientContract, slotId: string) {
    const taken = await trx.rawQuery(
      `UPDATE pickup_slots SET booked = booked + 1, updated_at = now()
        WHERE merchant_id = ? AND id = ? AND is_active AND ends_at > now() AND booked < capacity
        RETURNING id`,
      [requireTenant().merchantId, slotId]
    )
    if (taken.rows.length === 0) {
      // Not taken: closed in the meantime, or full.
      await this.orderable(trx, slotId)
      throw new SlotFullException()
    }
  }

  async release(trx: TransactionClientContract, slotId: string) {
    await trx.rawQuery(
      `UPDATE pickup_slots SET booked = booked - 1, updated_at = now() WHERE merchant_id = ? AND id = ? AND booked > 0`,
      [requireTenant().merchantId, slotId]
    )
  }

  /** Slots between two instants (default: from now, the next 7 days); customers only see open ones. */
  async list(options: { from?: Date; to?: Date; staff: boolean }) {
    const from = options.from ?? new Date()
    const to = options.to ?? new Date(from.getTime() + 7 * 24 * 3600 * 1000)
    const query = tenantDb()
      .from('pickup_slots')
      .where('merchant_id', requireTenant().merchantId)
      .where('ends_at', '>', from)
      .where('starts_at', '<', to)
      .orderBy('starts_at')
      .limit(500)
    if (!options.staff) query.where('is_active', true).where('ends_at', '>', new Date())
    const rows: PickupSlotRow[] = await query
    return rows.map((row) => presentSlot(row, options.staff))
  }

  async create(input: { starts_at: Date; ends_at: Date; capacity: number }) {
    if (input.ends_at <= input.starts_at) {
      throw new ValidationException('ends_at must be after starts_at', { field: 'ends_at' })
    }
    const tenant = requireTenant()
    const [row]: PickupSlotRow[] = await tenantDb('write')
      .table('pickup_slots')
      .insert({ merchant_id: tenant.merchantId, shard_id: tenant.shardId, ...input })
      .returning('*')
      .catch((error) => {
        if (error?.code === '23505') throw new SlotExistsException({ field: 'starts_at' })
        throw error
      })
    return presentSlot(row, true)
  }

  /** Capacity may go below what is booked: the slot then simply takes no more orders. */
  async update(id: string, input: { capacity?: number; is_active?: boolean }) {
    const row = await shardRouter.transaction(async (trx) => {
      const changes = Object.fromEntries(
        Object.entries(input).filter(([, value]) => value !== undefined)
      )
      const [updated]: PickupSlotRow[] = await trx
        .from('pickup_slots')
        .where({ merchant_id: requireTenant().merchantId, id })
        .update({ ...changes, updated_at: new Date() })
        .returning('*')
      return updated
    })
    if (!row) throw new NotFoundException('Pickup slot not found')
    return presentSlot(row, true)
  }
}

export const pickupSlots = new PickupSlots()
