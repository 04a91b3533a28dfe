import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

export default class Location extends TenantModel {
  @column()
  declare name: string

  @column()
  declare address: string | null

  @column()
  declare timezone: string
}
