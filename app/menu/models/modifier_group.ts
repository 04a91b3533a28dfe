import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/index'

export default class ModifierGroup extends TenantModel {
  static table = 'menu_modifier_groups'

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare merchantId: string

  @column({ serializeAs: null })
  declare shardId: number

  @column()
  declare itemId: string

  @column()
  declare name: string

  @column()
  declare displayOrder: number

  @column()
  declare isRequired: boolean

  @column()
  declare minSelect: number

  @column()
  declare maxSelect: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
