export const CHANNELS = ['email', 'push', 'webhook', 'sms'] as const
export type Channel = (typeof CHANNELS)[number]

export const PRIORITIES = ['high', 'normal', 'low'] as const
export type Priority = (typeof PRIORITIES)[number]

export type NotificationStatus = 'pending' | 'processing' | 'completed' | 'failed'

/** Human text for channels that show text (email, push, SMS); webhooks get the event and payload. */
export type NotificationMessage = { title: string; body: string; url?: string }

export type EnqueueInput = {
  /** Event name, e.g. "order.created": the merchant's settings decide which channels it goes to. */
  event: string
  /** JSON data for the receiver (webhook body, push data). */
  payload: Record<string, unknown>
  message?: NotificationMessage
  /** Extra recipients beyond the merchant's own (e.g. the customer's email), used only on enabled channels. */
  recipients?: { email?: string[]; sms?: string[] }
  priority?: Priority
  scheduledFor?: Date
  maxAttempts?: number
  /** Same key twice for one merchant: the second enqueue adds nothing. */
  idempotencyKey?: string
}

export type QueuedNotification = {
  id: string
  merchant_id: string
  shard_id: number
  type: Channel
  event: string
  recipient: string | null
  payload: { data: Record<string, unknown>; message?: NotificationMessage }
  priority: Priority
  status: NotificationStatus
  scheduled_for: Date
  attempts: number
  max_attempts: number
  last_error: string | null
  locked_until: Date | null
  processed_at: Date | null
  created_at: Date
}
