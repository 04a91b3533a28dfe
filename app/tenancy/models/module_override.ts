import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export default class ModuleOverride extends BaseModel {
  static connection = 'control'
  static table = 'merchant_module_overrides'

  @column({ isPrimary: true })
  declare merchantId: string

  @column({ isPrimary: true })
  declare module: string

  @column()
  declare enabled: boolean

  @column()
  declare reason: string | null

  @column()
  declare updatedBy: string | null

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
