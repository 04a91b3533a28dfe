import nodemailer, { type Transporter } from 'nodemailer'
import { notificationsConfig } from '#notifications/notifications_config'
import {
  messageOf,
  PermanentDeliveryError,
  type NotificationChannel,
} from '#notifications/channels/channel'
import type { QueuedNotification } from '#notifications/types'

let cached: { key: string; transporter: Transporter } | undefined

function transporter(): Transporter {
  const smtp = notificationsConfig.smtp()
  const key = JSON.stringify(smtp)
  if (cached?.key !== key) {
    cached?.transporter.close()
    cached = {
      key,
      transporter: nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
        pool: true,
        // Well under the row lease, so a hung server fails the attempt before another worker may retry it.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    }
  }
  return cached.transporter
}

/** Email over SMTP. The Message-ID is the row id, so a retried send is recognisable as the same message. */
export class EmailChannel implements NotificationChannel {
  async send(notification: QueuedNotification) {
    if (!notification.recipient)
      throw new PermanentDeliveryError('email notification without a recipient')
    const message = messageOf(notification)
    try {
      await transporter().sendMail({
        from: notificationsConfig.smtp().from,
        to: notification.recipient,
        subject: message.title,
        text: message.url ? `${message.body}\n\n${message.url}` : message.body,
        messageId: `<${notification.id}@notifications.gudbro>`,
        headers: {
          'X-Gudbro-Notification-Id': notification.id,
          'X-Gudbro-Event': notification.event,
        },
      })
    } catch (error: any) {
      // 5xx replies (unknown mailbox, refused sender) will not change on retry; 4xx and network errors may.
      if (typeof error?.responseCode === 'number' && error.responseCode >= 500) {
        throw new PermanentDeliveryError(
          `SMTP ${error.responseCode}: ${error.response ?? error.message}`
        )
      }
      throw error
    }
  }
}
