import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import type { ApiClient } from '@japa/api-client'
import { WorkerPool } from '#core/queue/worker_pool'
import { runJobInTenant, shardRouter, tenantDb } from '#tenancy/index'
import { enqueueNotifications, type EnqueueInput } from '#notifications/index'
import DeliverNotificationJob from '#notifications/jobs/deliver_notification_job'
import RelaySweepJob from '#notifications/jobs/relay_sweep_job'
import { ownerToken } from '#tests/support/merchants'
import env from '#start/env'

// The stand-ins listen on 127.0.0.1, which production refuses as a webhook/push target.
env.set('NOTIFICATIONS_ALLOW_PRIVATE_TARGETS', true)

export function inTenant<T>(merchantId: string, fn: () => Promise<T>) {
  return runJobInTenant({ merchantId }, fn)
}

/** A merchant whose owner has saved these notification settings through the API. */
export async function merchantWithSettings(client: ApiClient, settings: Record<string, unknown>) {
  const owner = await ownerToken(client)
  const response = await client
    .put('/api/v1/notifications/settings')
    .header('Authorization', `Bearer ${owner.token}`)
    .json(settings)
  response.assertStatus(200)
  return { ...owner, merchantId: owner.merchant.id, settings: response.body().data }
}

/** Enqueues in a shard transaction of the merchant and commits. */
export function enqueueCommitted(merchantId: string, input: EnqueueInput) {
  return inTenant(merchantId, () =>
    shardRouter.transaction((trx) => enqueueNotifications(trx, input))
  )
}

export function outboxRow(merchantId: string, id: string) {
  return inTenant(merchantId, () =>
    tenantDb('write').from('notification_queue').where('id', id).first()
  )
}

/** The status column of an outbox row, read on the primary. */
export async function outboxStatus(merchantId: string, id: string): Promise<string> {
  const row = await outboxRow(merchantId, id)
  return row.status
}

export function outboxRows(merchantId: string) {
  return inTenant(merchantId, () =>
    tenantDb('write')
      .from('notification_queue')
      .where('merchant_id', merchantId)
      .orderBy('created_at')
  )
}

/** The notifications workers, as `queue:work` runs them, with short backoffs. */
export function startNotificationWorkers() {
  const connection = app.config.get<{ defaultConnection: Record<string, unknown> }>(
    'queue'
  ).defaultConnection
  return new WorkerPool(
    app,
    logger,
    connection,
    [DeliverNotificationJob, RelaySweepJob],
    runJobInTenant,
    {
      concurrency: 5,
      baseBackoffMs: 40,
    }
  ).start()
}
