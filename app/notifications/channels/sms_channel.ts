import logger from '@adonisjs/core/services/logger'
import { notificationsConfig } from '#notifications/notifications_config'
import {
  messageOf,
  PermanentDeliveryError,
  type NotificationChannel,
} from '#notifications/channels/channel'
import type { QueuedNotification } from '#notifications/types'

/** A way to send a text message. Providers (Twilio, Vonage...) implement this; `log` only writes a log line. */
export interface SmsDriver {
  send(message: { to: string; text: string; reference: string }): Promise<void>
}

class LogSmsDriver implements SmsDriver {
  async send(message: { to: string; text: string; reference: string }) {
    logger.info(
      { sms_to: message.to, reference: message.reference, length: message.text.length },
      'sms (log driver)'
    )
  }
}

const drivers = new Map<string, SmsDriver>([['log', new LogSmsDriver()]])

/** Adds or replaces an SMS driver; SMS_DRIVER chooses which one sends. */
export function registerSmsDriver(name: string, driver: SmsDriver) {
  drivers.set(name, driver)
}

export class SmsChannel implements NotificationChannel {
  async send(notification: QueuedNotification) {
    const driver = drivers.get(notificationsConfig.smsDriver())
    if (!driver)
      throw new PermanentDeliveryError(`unknown SMS driver ${notificationsConfig.smsDriver()}`)
    if (!notification.recipient)
      throw new PermanentDeliveryError('sms notification without a recipient')
    const message = messageOf(notification)
    // SMS carries text only: title and body in one short message.
    const text = `${message.title}: ${message.body}`.slice(0, 480)
    await driver.send({ to: notification.recipient, text, reference: notification.id })
  }
}
