import type { Channel } from '#notifications/types'
import type { NotificationChannel } from '#notifications/channels/channel'
import { EmailChannel } from '#notifications/channels/email_channel'
import { PushChannel } from '#notifications/channels/push_channel'
import { WebhookChannel } from '#notifications/channels/webhook_channel'
import { SmsChannel } from '#notifications/channels/sms_channel'

export const channels: Record<Channel, NotificationChannel> = {
  email: new EmailChannel(),
  push: new PushChannel(),
  webhook: new WebhookChannel(),
  sms: new SmsChannel(),
}
