import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * Per-merchant ordering settings. `pending_timeout_minutes`: how long an order may wait for the shop
 * to accept it before it is rejected for the shop and its pickup place freed (merchants without a row
 * get the default). The (status, created_at) index serves the sweep that finds such orders on every node.
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

CREATE INDEX orders_status_created_idx ON orders (status, created_at);
`)
  }

  async down() {
    this.schema.raw(`DROP INDEX IF EXISTS orders_status_created_idx; DROP TABLE IF EXISTS order_settings;`)
  }
}
