import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/index'
import { jsonColumn } from '#menu/models/model_support'

export default class ModifierOption extends TenantModel {
  static table = 'menu_modifier_options'

  @column()
  declare groupId: string

  @column()
  declare name: string

  @column()
  declare priceDeltaMinor: number

  @column(jsonColumn)
  declare allergens: string[]

  @column()
  declare inStock: boolean

  @column()
  declare displayOrder: number
}
