import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import { TenantModel } from '#tenancy/models/tenant_model'

export default class Location extends TenantModel {
  @column({ isPrimary: true })
  declare id: string

  @column()
  declare merchantId: string

  @column({ serializeAs: null })
  declare shardId: number

  @column()
  declare name: string

  @column()
  declare address: string | null

  @column()
  declare timezone: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
