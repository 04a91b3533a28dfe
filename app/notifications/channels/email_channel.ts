import { isPermanentSmtpError, smtpSettings, smtpTransport } from '#core/mail/smtp'
import {
  messageOf,
  PermanentDeliveryError,
  type NotificationChannel,
} from '#notifications/channels/channel'
import type { QueuedNotification } from '#notifications/types'

/** Email over SMTP. The Message-ID is the row id, so a retried send is recognisable as the same message. */
export class EmailChannel implements NotificationChannel {
  async send(notification: QueuedNotification) {
    if (!notification.recipient)
      throw new PermanentDeliveryError('email notification without a recipient')
    const message = messageOf(notification)
    try {
      await smtpTransport().sendMail({
        from: smtpSettings().from,
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
      if (isPermanentSmtpError(error)) {
        throw new PermanentDeliveryError(
          `SMTP ${error.responseCode}: ${error.response ?? error.message}`
        )
      }
      throw error
    }
  }
}
