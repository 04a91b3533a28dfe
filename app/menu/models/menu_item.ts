import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/index'
import { jsonColumn } from '#menu/models/model_support'

export default class MenuItem extends TenantModel {
  static table = 'menu_items'

  @column()
  declare categoryId: string

  @column()
  declare name: string

  @column()
  declare description: string | null

  @column()
  declare priceMinor: number

  @column()
  declare currency: string

  @column()
  declare imageUrl: string | null

  @column()
  declare displayOrder: number

  @column()
  declare isActive: boolean

  @column()
  declare soldOut: boolean

  @column(jsonColumn)
  declare dietaryFlags: string[]

  @column(jsonColumn)
  declare allergens: string[]

  @column()
  declare durationMinutes: number | null

  @column()
  declare rentalUnit: string | null
}
