import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * Per-merchant ordering settings. `pending_timeout_minutes`: how long an order may wait for the shop
 * to accept it before it is rejected for the shop and its pickup place freed (merchants without a row
 * get the default). The sweep that finds such orders has no index of its own: an index on
 * (status, created_at) beat the staff list's own index in the planner (tests/functional/orders/orders_index.spec.ts).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE order_settings (
  merchant_id uuid PRIMARY KEY,
  shard_id integer NOT NULL,
  pending_timeout_minutes integer NOT NULL DEFAULT 10 CHECK (pending_timeout_minutes BETWEEN 2 AND 240),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
${tenantTableShardGuards('order_settings')}
`)
  }

  async down() {
    this.schema.raw(`DROP TABLE IF EXISTS order_settings;`)
  }
}
