import { randomBytes } from 'node:crypto'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { requireTenant, tenantDb } from '#tenancy/index'
import type { Channel } from '#notifications/types'

export type NotificationSettings = {
  routes: Record<string, Channel[]>
  emailRecipients: string[]
  smsRecipients: string[]
  webhookUrl: string | null
  webhookSecret: string
  updatedAt: Date | null
}

type SettingsRow = {
  routes: Record<string, Channel[]>
  email_recipients: string[]
  sms_recipients: string[]
  webhook_url: string | null
  webhook_secret: string
  updated_at: Date
}

export function newWebhookSecret() {
  return `whsec_${randomBytes(24).toString('hex')}`
}

function fromRow(row: SettingsRow): NotificationSettings {
  return {
    routes: row.routes ?? {},
    emailRecipients: row.email_recipients ?? [],
    smsRecipients: row.sms_recipients ?? [],
    webhookUrl: row.webhook_url,
    webhookSecret: row.webhook_secret,
    updatedAt: row.updated_at,
  }
}

/** A merchant's channel preferences. Merchants without a row get no notifications (and a secret on first read). */
export class SettingsService {
  /** Reads with the given client (the caller's transaction when enqueueing) or the tenant's primary. */
  async find(
    client: QueryClientContract = tenantDb('write')
  ): Promise<NotificationSettings | null> {
    const row = await client
      .from('notification_settings')
      .where('merchant_id', requireTenant().merchantId)
      .first()
    return row ? fromRow(row) : null
  }

  /** The settings, created with empty routes and a fresh secret if the merchant has none yet. */
  async findOrCreate(): Promise<NotificationSettings> {
    const tenant = requireTenant()
    const client = tenantDb('write')
    await client.rawQuery(
      `INSERT INTO notification_settings (merchant_id, shard_id, webhook_secret) VALUES (?, ?, ?)
       ON CONFLICT (merchant_id) DO NOTHING`,
      [tenant.merchantId, tenant.shardId, newWebhookSecret()]
    )
    return (await this.find(client))!
  }

  async update(input: {
    routes?: Record<string, Channel[]>
    emailRecipients?: string[]
    smsRecipients?: string[]
    webhookUrl?: string | null
  }): Promise<NotificationSettings> {
    await this.findOrCreate()
    const changes: Record<string, unknown> = { updated_at: new Date() }
    if (input.routes !== undefined) changes.routes = JSON.stringify(input.routes)
    if (input.emailRecipients !== undefined)
      changes.email_recipients = [...new Set(input.emailRecipients)]
    if (input.smsRecipients !== undefined)
      changes.sms_recipients = [...new Set(input.smsRecipients)]
    if (input.webhookUrl !== undefined) changes.webhook_url = input.webhookUrl
    const client = tenantDb('write')
    await client
      .from('notification_settings')
      .where('merchant_id', requireTenant().merchantId)
      .update(changes)
    return (await this.find(client))!
  }

  async rotateSecret(): Promise<NotificationSettings> {
    await this.findOrCreate()
    const client = tenantDb('write')
    await client
      .from('notification_settings')
      .where('merchant_id', requireTenant().merchantId)
      .update({ webhook_secret: newWebhookSecret(), updated_at: new Date() })
    return (await this.find(client))!
  }
}

export const settingsService = new SettingsService()
