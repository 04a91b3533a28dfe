import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import type { MerchantStatus, Tier, Vertical } from '#tenancy/types'
import Membership from '#tenancy/models/membership'
import ModuleOverride from '#tenancy/models/module_override'

export default class Merchant extends BaseModel {
  static connection = 'control'

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare slug: string

  @column()
  declare name: string

  @column()
  declare vertical: Vertical

  @column()
  declare tier: Tier

  @column()
  declare status: MerchantStatus

  @column()
  declare brandId: string | null

  @column()
  declare locationId: string | null

  @column()
  declare timezone: string

  @column()
  declare settings: Record<string, unknown>

  @column()
  declare shardId: number

  /** Its public pages are live from then on; null until a self-signed-up owner verifies the address. */
  @column.dateTime()
  declare publishedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  @hasMany(() => ModuleOverride)
  declare moduleOverrides: HasMany<typeof ModuleOverride>
}
