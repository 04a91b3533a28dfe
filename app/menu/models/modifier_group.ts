import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/index'

export default class ModifierGroup extends TenantModel {
  static table = 'menu_modifier_groups'

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
}
