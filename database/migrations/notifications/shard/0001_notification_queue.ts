import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * The transactional outbox (notification_queue): a row per message to send, written in the
 * same transaction as the business change that causes it. `locked_until` is the lease of the worker
 * that claimed the row; `idempotency_key` lets a caller enqueue the same message twice safely.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE notification_queue (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  type text NOT NULL CHECK (type IN ('email', 'push', 'webhook', 'sms')),
  event text NOT NULL CHECK (length(event) BETWEEN 1 AND 100),
  recipient text,
  payload jsonb NOT NULL DEFAULT '{}',
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('high', 'normal', 'low')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  scheduled_for timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 25),
  last_error text,
  locked_until timestamptz,
  processed_at timestamptz,
  idempotency_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_notification_queue_pending ON notification_queue (status, priority, scheduled_for)
  WHERE status = 'pending';
CREATE INDEX notification_queue_leases_idx ON notification_queue (locked_until) WHERE status = 'processing';
CREATE INDEX notification_queue_merchant_idx ON notification_queue (merchant_id, created_at DESC);
CREATE UNIQUE INDEX notification_queue_idempotency_idx ON notification_queue (merchant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
${tenantTableShardGuards('notification_queue')}
`)
  }

  async down() {
    this.schema.raw('DROP TABLE IF EXISTS notification_queue')
  }
}
