import type { QueuedNotification } from '#notifications/types'

/** Sends one outbox row. Throws to ask for a retry; throws PermanentDeliveryError when retrying cannot help. */
export interface NotificationChannel {
  send(notification: QueuedNotification): Promise<void>
}

export class PermanentDeliveryError extends Error {}

export function messageOf(notification: QueuedNotification) {
  return (
    notification.payload.message ?? {
      title: `Notification: ${notification.event}`,
      body: JSON.stringify(notification.payload.data ?? {}),
    }
  )
}
