import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * Pickup orders (tenant rows on the shard nodes):
 * - pickup_slots: a window with a capacity set by the merchant; `booked` is moved by conditional
 *   UPDATEs only (booked < capacity), which is what makes a full slot race-safe;
 * - orders: status machine, per-merchant daily number, tracking token stored as a SHA-256 hash;
 * - order_items: a snapshot of what was sold (names, prices, chosen modifiers with their prices),
 *   so later menu edits never change a past order;
 * - order_idempotency_keys: the first response to an Idempotency-Key, replayed for the same body;
 * - order_daily_counters: one row per merchant and local day, bumped under its row lock.
 * Menu items are referenced by id without a foreign key (another module's table).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE pickup_slots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  capacity integer NOT NULL CHECK (capacity BETWEEN 0 AND 10000),
  booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  UNIQUE (merchant_id, id),
  UNIQUE (merchant_id, starts_at)
);
${tenantTableShardGuards('pickup_slots')}

CREATE TABLE orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  business_date date NOT NULL,
  number integer NOT NULL CHECK (number > 0),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'accepted', 'rejected', 'preparing', 'ready', 'completed', 'cancelled')),
  customer_user_id uuid,
  customer_name text NOT NULL CHECK (length(customer_name) BETWEEN 1 AND 200),
  customer_email text,
  customer_phone text,
  pickup_slot_id uuid,
  pickup_at timestamptz,
  currency char(3) NOT NULL,
  subtotal_minor integer NOT NULL CHECK (subtotal_minor >= 0),
  total_minor integer NOT NULL CHECK (total_minor >= 0),
  notes text,
  status_reason text,
  tracking_token_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, id),
  UNIQUE (merchant_id, business_date, number),
  UNIQUE (tracking_token_hash),
  FOREIGN KEY (merchant_id, pickup_slot_id) REFERENCES pickup_slots (merchant_id, id)
);
CREATE INDEX idx_orders_merchant_status_created ON orders (merchant_id, status, created_at DESC);
CREATE INDEX orders_merchant_created_idx ON orders (merchant_id, created_at DESC);
${tenantTableShardGuards('orders')}

CREATE TABLE order_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  order_id uuid NOT NULL,
  position integer NOT NULL,
  menu_item_id uuid NOT NULL,
  name text NOT NULL,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 100),
  base_price_minor integer NOT NULL,
  -- [{ "group_id", "group_name", "option_id", "name", "price_delta_minor" }] as priced at order time
  modifiers jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(modifiers) = 'array'),
  unit_price_minor integer NOT NULL CHECK (unit_price_minor >= 0),
  line_total_minor integer NOT NULL CHECK (line_total_minor >= 0),
  notes text,
  FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX order_items_order_idx ON order_items (order_id, position);
${tenantTableShardGuards('order_items')}

CREATE TABLE order_idempotency_keys (
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash text NOT NULL,
  order_id uuid,
  response_status integer,
  -- The first response without the tracking token; the token is kept encrypted beside it.
  response_body jsonb,
  token_ciphertext text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, key)
);
CREATE INDEX order_idempotency_keys_created_idx ON order_idempotency_keys (created_at);
${tenantTableShardGuards('order_idempotency_keys')}

CREATE TABLE order_daily_counters (
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  business_date date NOT NULL,
  last_number integer NOT NULL,
  PRIMARY KEY (merchant_id, business_date)
);
${tenantTableShardGuards('order_daily_counters')}
`)
  }

  async down() {
    this.schema.raw(`
DROP TABLE IF EXISTS order_daily_counters;
DROP TABLE IF EXISTS order_idempotency_keys;
DROP TABLE IF EXISTS order_items;
DROP TABLE IF EXISTS orders;
DROP TABLE IF EXISTS pickup_slots;
`)
  }
}
