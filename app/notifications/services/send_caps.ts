import limiter from '@adonisjs/limiter/services/main'
import { keyedDigest } from '#core/privacy/keyed_digest'
import { normaliseEmail, normalisePhone } from '#core/privacy/contact'
import type { NotificationSettings } from '#notifications/services/settings_service'
import { notificationsConfig } from '#notifications/notifications_config'
import type { QueuedNotification } from '#notifications/types'

export type SendCap = 'recipient_hour' | 'merchant_day'

const normalise = (type: 'email' | 'sms', address: string) =>
  type === 'email' ? normaliseEmail(address) : normalisePhone(address)

/** The merchant's own addresses, normalised once per settings read (a batch), not once per row. */
const staffSets = new WeakMap<NotificationSettings, Record<'email' | 'sms', Set<string>>>()
function staffAddresses(settings: NotificationSettings, type: 'email' | 'sms'): Set<string> {
  let sets = staffSets.get(settings)
  if (!sets) {
    sets = {
      email: new Set(settings.emailRecipients.map((address) => normalise('email', address))),
      sms: new Set(settings.smsRecipients.map((address) => normalise('sms', address))),
    }
    staffSets.set(settings, sets)
  }
  return sets[type]
}

/**
 * Caps on what anyone who can place an order can make the platform send: email and SMS to a given
 * address per hour (across merchants: the key is the address alone, as a keyed digest), and per
 * merchant per day. Addresses the merchant itself configured for its staff are not capped: they
 * are bounded by its settings, and a busy hour must not silence the shop's own order alerts.
 * Counted on a row's first attempt only, so a retried send is not counted twice. The merchant's settings
 * are read through `loadSettings`, once per batch of that merchant.
 */
export async function sendCapReached(
  notification: QueuedNotification,
  loadSettings: () => Promise<NotificationSettings | null>
): Promise<SendCap | null> {
  const type = notification.type
  if ((type !== 'email' && type !== 'sms') || !notification.recipient || notification.attempts > 1)
    return null
  const address = normalise(type, notification.recipient)
  const settings = await loadSettings()
  if (settings && staffAddresses(settings, type).has(address)) return null

  const caps = notificationsConfig.sendCaps()
  const perRecipient = limiter.use({ requests: caps.perRecipientPerHour, duration: '1 hour' })
  const perMerchant = limiter.use({ requests: caps.perMerchantPerDay, duration: '24 hours' })
  const recipientKey = `send_recipient:${type}:${keyedDigest(address)}`
  const sent = await perRecipient.increment(recipientKey)
  if (sent.consumed > sent.limit) return 'recipient_hour'
  const merchantSent = await perMerchant.increment(`send_merchant:${notification.merchant_id}`)
  if (merchantSent.consumed > merchantSent.limit) {
    // Not sent: the address keeps its allowance.
    await perRecipient.decrement(recipientKey)
    return 'merchant_day'
  }
  return null
}
