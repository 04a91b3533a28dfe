import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { DeveloperStatus } from '#marketplace/catalog'

/** A user who publishes apps; verified by platform support before an app can go to review. */
export default class Developer extends BaseModel {
  static connection = 'control'
  static table = 'developers'

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare userId: string

  @column()
  declare displayName: string

  @column()
  declare contactEmail: string

  @column()
  declare website: string | null

  @column()
  declare status: DeveloperStatus

  @column()
  declare verifiedBy: string | null

  @column.dateTime()
  declare verifiedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
