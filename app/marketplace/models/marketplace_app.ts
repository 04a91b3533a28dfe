import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import type { AppCategory, AppScope, AppStatus, PricingModel } from '#marketplace/catalog'
import AppWebhookSubscription from '#marketplace/models/app_webhook_subscription'

/**
 * A developer's app. The client secret is never serialized: only its hash is stored, and the plain
 * secret appears once, in the answer that creates or rotates it.
 */
export default class MarketplaceApp extends BaseModel {
  static connection = 'control'
  static table = 'apps'

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare developerId: string

  @column()
  declare name: string

  @column()
  declare slug: string

  @column()
  declare category: AppCategory

  @column()
  declare pricingModel: PricingModel

  @column()
  declare monthlyPriceMinor: number

  @column()
  declare usagePriceMinor: number

  @column()
  declare usageUnit: string | null

  @column()
  declare currency: string

  @column()
  declare scopes: AppScope[]

  @column()
  declare redirectUris: string[]

  @column()
  declare tagline: string | null

  @column()
  declare description: string | null

  @column()
  declare supportUrl: string | null

  @column()
  declare status: AppStatus

  @column()
  declare reviewNote: string | null

  @column()
  declare reviewedBy: string | null

  @column.dateTime()
  declare reviewedAt: DateTime | null

  @column.dateTime()
  declare submittedAt: DateTime | null

  @column.dateTime()
  declare listedAt: DateTime | null

  @column()
  declare clientId: string

  @column({ serializeAs: null })
  declare clientSecretHash: string

  @column.dateTime()
  declare secretRotatedAt: DateTime

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => AppWebhookSubscription, { foreignKey: 'appId' })
  declare webhooks: HasMany<typeof AppWebhookSubscription>
}
