import type { Channel } from '#notifications/types'
import type { NotificationChannel } from '#notifications/channels/channel'
import { EmailChannel } from '#notifications/channels/email_channel'
import { PushChannel } from '#notifications/channels/push_channel'
import { WebhookChannel } from '#notifications/channels/webhook_channel'
import { SmsChannel } from '#notifications/channels/sms_channel'

/**
 * The class of each channel: the key it is bound under in the container
 * (app/notifications/start/boot.ts) and resolved by at send time, so that a test can swap it.
 */
export const channelClasses: Record<Channel, new () => NotificationChannel> = {
  email: EmailChannel,
  push: PushChannel,
  webhook: WebhookChannel,
  sms: SmsChannel,
}
