import env from '#start/env'

/**
 * Channel settings read at send time (not at import), so a process can be pointed at other targets
 * without a restart of its modules (tests point SMTP at a local stand-in).
 */
export const notificationsConfig = {
  vapid() {
    const publicKey = env.get('VAPID_PUBLIC_KEY')
    const privateKey = env.get('VAPID_PRIVATE_KEY')
    if (!publicKey || !privateKey) return null
    return { publicKey, privateKey, subject: env.get('VAPID_SUBJECT', 'mailto:ops@gudbro.test') }
  },
  smsDriver: () => env.get('SMS_DRIVER', 'log'),
  /** Let webhooks and push reach loopback/private addresses (development and tests only). */
  allowPrivateTargets: () => env.get('NOTIFICATIONS_ALLOW_PRIVATE_TARGETS', false),
  /** How long a claimed row belongs to its worker; a dead worker's row is retried after this. */
  leaseSeconds: () => env.get('NOTIFICATION_LEASE_SECONDS', 60),
  /** Email and SMS to customer addresses (see send_caps.ts). */
  sendCaps: () => ({
    perRecipientPerHour: env.get('NOTIFICATION_SENDS_PER_RECIPIENT_HOUR', 5),
    perMerchantPerDay: env.get('NOTIFICATION_SENDS_PER_MERCHANT_DAY', 2000),
  }),
  webhookTimeoutMs: 5000,
  defaultMaxAttempts: 5,
  /**
   * Rows one claim takes for a merchant (its jobs' rows, filled up with its other due rows), and how
   * many of them are sent at once: with the slowest send (5 s webhook or push timeout) a batch takes
   * 50 / 10 x 5 s = 25 s at worst, inside the 60 s lease.
   */
  batchSize: () => 50,
  sendConcurrency: () => 10,
  /** First retry after 0.5-1 s, then doubling (jittered, capped at an hour; see core/queue/backoff.ts). */
  retryBaseMs: () => 1000,
}
