import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { ModelAdapterOptions } from '@adonisjs/lucid/types/model'
import { getTenant, requireTenant } from '#tenancy/context/tenant_context'
import { shardRouter } from '#tenancy/services/shards'

/**
 * Base of every model whose rows live on a shard node. Its connection is the current tenant's
 * node (never chosen by hand); reads after a write in the same unit of work go to the primary.
 * Queries are not scoped by merchant automatically: use `forTenant()` which is.
 * Declares the columns every tenant table has; subclasses inherit them (Lucid copies a parent's
 * column definitions when a subclass boots).
 */
export class TenantModel extends BaseModel {
  @column({ isPrimary: true })
  declare id: string

  @column()
  declare merchantId: string

  @column({ serializeAs: null })
  declare shardId: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  static get connection(): string {
    return shardRouter.connectionForShard(requireTenant().shardId)
  }

  static query<T extends typeof BaseModel>(this: T, options?: ModelAdapterOptions): any {
    const connection = options?.connection ?? (this as any).connection
    const wrote = !options?.client && getTenant()?.wroteTo.has(connection)
    return super.query.call(
      this,
      wrote
        ? { ...options, client: db.connection(connection, { mode: 'write' }) }
        : { ...options, connection }
    )
  }

  /** A query limited to the current merchant's rows. */
  static forTenant<T extends typeof TenantModel>(this: T) {
    const tenant = requireTenant()
    return this.query().where('merchant_id', tenant.merchantId) as ReturnType<T['query']>
  }

  static boot() {
    // `booted` is inherited once this base has booted (its own columns do that): look at our own.
    if (Object.hasOwn(this, 'booted') && this.booted) return
    super.boot()
    // Every subclass registers the hooks for itself; the base's would be copied into each as well.
    if (this === TenantModel) return
    const markWrite = () => {
      getTenant()?.wroteTo.add((this as any).connection)
    }
    this.before('save', markWrite)
    this.before('delete', markWrite)
  }
}
