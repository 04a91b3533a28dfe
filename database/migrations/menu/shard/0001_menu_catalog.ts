import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * The catalog: categories -> items -> modifier groups -> options, tenant rows on the
 * shard nodes. Items serve every vertical: a drink (price only), a treatment (duration_minutes),
 * a bike (rental_unit). Dietary flags and the 14 EU allergens are JSONB arrays of known codes
 * (validated by the app, shape-checked here) with GIN indexes for containment filters.
 * Foreign keys stay inside the module; the merchant lives in another database (no FK to it).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE menu_categories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text,
  display_order integer NOT NULL DEFAULT 0,
  is_active boolean NOT NULL DEFAULT true,
  -- [{ "days": [1..7] (ISO, optional), "start": "HH:MM", "end": "HH:MM" }] in the merchant's time zone; [] = always
  availability jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(availability) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, id)
);
CREATE INDEX idx_menu_categories_merchant_active_order
  ON menu_categories (merchant_id, is_active, display_order) WHERE is_active = true;
CREATE INDEX menu_categories_merchant_order_idx ON menu_categories (merchant_id, display_order);
${tenantTableShardGuards('menu_categories')}

CREATE TABLE menu_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  category_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text,
  price_minor integer NOT NULL CHECK (price_minor >= 0),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  image_url text,
  display_order integer NOT NULL DEFAULT 0,
  is_active boolean NOT NULL DEFAULT true,
  sold_out boolean NOT NULL DEFAULT false,
  dietary_flags jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(dietary_flags) = 'array'),
  allergens jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(allergens) = 'array'),
  duration_minutes integer CHECK (duration_minutes > 0),
  rental_unit text CHECK (rental_unit IN ('hour', 'day', 'week')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, id),
  -- The composite key keeps an item inside its own merchant's category.
  FOREIGN KEY (merchant_id, category_id) REFERENCES menu_categories (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_menu_items_merchant_category_active
  ON menu_items (merchant_id, category_id, is_active) WHERE is_active = true;
CREATE INDEX menu_items_category_order_idx ON menu_items (category_id, display_order);
CREATE INDEX idx_menu_items_dietary_flags ON menu_items USING GIN (dietary_flags jsonb_path_ops);
CREATE INDEX idx_menu_items_allergens ON menu_items USING GIN (allergens jsonb_path_ops);
${tenantTableShardGuards('menu_items')}

CREATE TABLE menu_modifier_groups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  item_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  display_order integer NOT NULL DEFAULT 0,
  is_required boolean NOT NULL DEFAULT false,
  min_select integer NOT NULL DEFAULT 0 CHECK (min_select >= 0),
  max_select integer NOT NULL DEFAULT 1 CHECK (max_select >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, id),
  CHECK (min_select <= max_select),
  CHECK (NOT is_required OR min_select >= 1),
  FOREIGN KEY (merchant_id, item_id) REFERENCES menu_items (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX menu_modifier_groups_item_idx ON menu_modifier_groups (item_id, display_order);
${tenantTableShardGuards('menu_modifier_groups')}

CREATE TABLE menu_modifier_options (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  group_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  price_delta_minor integer NOT NULL DEFAULT 0,
  allergens jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(allergens) = 'array'),
  in_stock boolean NOT NULL DEFAULT true,
  display_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (merchant_id, group_id) REFERENCES menu_modifier_groups (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX menu_modifier_options_group_idx ON menu_modifier_options (group_id, display_order);
${tenantTableShardGuards('menu_modifier_options')}
`)
  }

  async down() {
    this.schema.raw(`
DROP TABLE IF EXISTS menu_modifier_options;
DROP TABLE IF EXISTS menu_modifier_groups;
DROP TABLE IF EXISTS menu_items;
DROP TABLE IF EXISTS menu_categories;
`)
  }
}
