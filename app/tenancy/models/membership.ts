import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import type { StaffRole } from '#tenancy/types'
import User from '#tenancy/models/user'
import Merchant from '#tenancy/models/merchant'

export default class Membership extends BaseModel {
  static connection = 'control'

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare userId: string

  @column()
  declare merchantId: string

  @column()
  declare role: StaffRole

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => Merchant)
  declare merchant: BelongsTo<typeof Merchant>
}
