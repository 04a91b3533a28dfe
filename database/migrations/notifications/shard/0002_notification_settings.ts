import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * Per-merchant channel preferences: `routes` maps an event name to the channels it goes to
 * ({"order.created": ["email", "webhook"]}); recipients per channel; the webhook target and the
 * merchant's own signing secret. Staff browsers' Web Push subscriptions live beside it.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE notification_settings (
  merchant_id uuid PRIMARY KEY,
  shard_id integer NOT NULL,
  routes jsonb NOT NULL DEFAULT '{}',
  email_recipients text[] NOT NULL DEFAULT '{}',
  sms_recipients text[] NOT NULL DEFAULT '{}',
  webhook_url text,
  webhook_secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
${tenantTableShardGuards('notification_settings')}

CREATE TABLE push_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  user_id uuid,
  endpoint text NOT NULL,
  p256dh text NOT NULL,
  auth text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, endpoint)
);
${tenantTableShardGuards('push_subscriptions')}
`)
  }

  async down() {
    this.schema.raw(
      'DROP TABLE IF EXISTS push_subscriptions; DROP TABLE IF EXISTS notification_settings'
    )
  }
}
