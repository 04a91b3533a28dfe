import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { WebhookTopic } from '#marketplace/catalog'

/** A topic an app wants delivered, and where (delivery itself comes with installations). */
export default class AppWebhookSubscription extends BaseModel {
  static connection = 'control'
  static table = 'app_webhook_subscriptions'

  @column({ isPrimary: true })
  declare id: string

  @column({ serializeAs: null })
  declare appId: string

  @column()
  declare topic: WebhookTopic

  @column()
  declare url: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
