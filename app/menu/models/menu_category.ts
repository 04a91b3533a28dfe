import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/index'
import { jsonColumn } from '#menu/models/model_support'
import type { AvailabilityWindow } from '#menu/catalog'

export default class MenuCategory extends TenantModel {
  static table = 'menu_categories'

  @column()
  declare name: string

  @column()
  declare description: string | null

  @column()
  declare displayOrder: number

  @column()
  declare isActive: boolean

  @column(jsonColumn)
  declare availability: AvailabilityWindow[]
}
