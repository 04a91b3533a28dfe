import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * Cold storage for finished orders (archive:run, orders.orders_archive): same columns as orders and
 * order_items, so rows move with INSERT ... SELECT *. Defaults and CHECKs are kept; the foreign keys
 * and the uniques that only matter for live orders (daily number, tracking token) are not, so an
 * archived row never blocks or depends on a hot one. The shard guards apply as on every tenant table.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE orders_archive (LIKE orders INCLUDING DEFAULTS);
ALTER TABLE orders_archive ADD PRIMARY KEY (id);
CREATE INDEX orders_archive_merchant_created_idx ON orders_archive (merchant_id, created_at DESC);
CREATE INDEX orders_archive_customer_user_idx ON orders_archive (customer_user_id) WHERE customer_user_id IS NOT NULL;
${tenantTableShardGuards('orders_archive')}

CREATE TABLE order_items_archive (LIKE order_items INCLUDING DEFAULTS);
ALTER TABLE order_items_archive ADD PRIMARY KEY (id);
CREATE INDEX order_items_archive_order_idx ON order_items_archive (order_id, position);
CREATE INDEX order_items_archive_merchant_idx ON order_items_archive (merchant_id);
${tenantTableShardGuards('order_items_archive')}
`)
  }

  async down() {
    this.schema.raw(
      `DROP TABLE IF EXISTS order_items_archive; DROP TABLE IF EXISTS orders_archive;`
    )
  }
}
