import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { requireTenant } from '#tenancy/index'
import { settingsService } from '#notifications/services/settings_service'
import { relay, type RelayRow } from '#notifications/services/relay'
import { notificationsEnqueued } from '#notifications/metrics'
import { notificationsConfig } from '#notifications/notifications_config'
import { PRIORITIES, type Channel, type EnqueueInput } from '#notifications/types'

const EVENT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/

type OutboxRow = {
  type: Channel
  event: string
  recipient: string | null
  payload: EnqueueInput['payload'] | object
  priority: string
  scheduled_for: string
  max_attempts: number
  idempotency_key: string | null
}

function unique(values: Array<string | undefined>): string[] {
  return [
    ...new Set(
      values.filter((value): value is string => typeof value === 'string' && value.length > 0)
    ),
  ]
}

/**
 * Writes the notifications an event causes into the outbox, inside the caller's transaction (a shard
 * transaction of the current tenant), so they commit or roll back with the business change. The
 * merchant's settings decide the channels and recipients. After the commit the rows are handed to the
 * queue without waiting; if that hand-off is lost, the relay sweep finds them still pending.
 * Returns the ids of the rows written.
 */
export async function enqueueNotifications(
  trx: TransactionClientContract,
  input: EnqueueInput
): Promise<string[]> {
  if (!EVENT.test(input.event ?? ''))
    throw new Error(`enqueueNotifications: bad event name ${JSON.stringify(input.event)}`)
  if (input.priority && !PRIORITIES.includes(input.priority))
    throw new Error(`enqueueNotifications: bad priority ${input.priority}`)
  const tenant = requireTenant()
  // A merchant without the module (tier or override) gets no notifications; the caller need not check.
  if (!tenant.modules.has('notifications')) return []
  const settings = await settingsService.find(trx)
  const channels = settings?.routes[input.event] ?? []
  if (!settings || channels.length === 0) return []

  const base = {
    event: input.event,
    payload: { data: input.payload ?? {}, ...(input.message ? { message: input.message } : {}) },
    priority: input.priority ?? 'normal',
    scheduled_for: (input.scheduledFor ?? new Date()).toISOString(),
    max_attempts: input.maxAttempts ?? notificationsConfig.defaultMaxAttempts,
  }
  const rows: OutboxRow[] = []
  const add = (type: Channel, recipient: string | null) =>
    rows.push({
      ...base,
      type,
      recipient,
      idempotency_key: input.idempotencyKey
        ? `${input.idempotencyKey}:${type}:${recipient ?? ''}`
        : null,
    })

  for (const channel of new Set(channels)) {
    if (channel === 'email')
      unique([...settings.emailRecipients, ...(input.recipients?.email ?? [])]).forEach((to) =>
        add('email', to)
      )
    if (channel === 'sms')
      unique([...settings.smsRecipients, ...(input.recipients?.sms ?? [])]).forEach((to) =>
        add('sms', to)
      )
    if (channel === 'webhook' && settings.webhookUrl) add('webhook', settings.webhookUrl)
    if (channel === 'push') {
      const subscriptions = await trx
        .from('push_subscriptions')
        .where('merchant_id', tenant.merchantId)
        .select('id')
      for (const subscription of subscriptions) add('push', subscription.id)
    }
  }
  if (rows.length === 0) return []

  const result = await trx.rawQuery(
    `INSERT INTO notification_queue
       (merchant_id, shard_id, type, event, recipient, payload, priority, scheduled_for, max_attempts, idempotency_key)
     SELECT ?::uuid, ?::int, r.type, r.event, r.recipient, r.payload, r.priority, r.scheduled_for, r.max_attempts, r.idempotency_key
       FROM jsonb_to_recordset(?::jsonb) AS r(type text, event text, recipient text, payload jsonb, priority text,
                                              scheduled_for timestamptz, max_attempts int, idempotency_key text)
     ON CONFLICT (merchant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id, merchant_id, type, priority, scheduled_for, max_attempts`,
    [tenant.merchantId, tenant.shardId, JSON.stringify(rows)]
  )
  const written: RelayRow[] = result.rows
  for (const row of written) notificationsEnqueued.inc({ channel: row.type })
  // Runs after COMMIT (never after a rollback); not awaited, so the caller's response does not wait on Redis.
  trx.after('commit', async () => {
    void relay.handOff(written, 'commit')
  })
  return written.map((row) => row.id)
}
