import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The directory on the control database: brands, merchants, the shard map, users, memberships,
 * module overrides and access tokens. Tenant rows live on the shard nodes.
 */
// No question marks in raw SQL here: the query builder reads them as bindings.
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE brands (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE merchants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9]){0,1}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  vertical text NOT NULL CHECK (vertical IN ('coffeeshop', 'wellness', 'rentals')),
  tier text NOT NULL CHECK (tier IN ('digital_menu', 'pre_ordering', 'full_suite')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  brand_id uuid REFERENCES brands (id) ON DELETE SET NULL,
  location_id uuid,
  timezone text NOT NULL DEFAULT 'UTC',
  settings jsonb NOT NULL DEFAULT '{}',
  shard_id integer NOT NULL CHECK (shard_id BETWEEN 0 AND 15),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT merchants_shard_matches_id CHECK (shard_id = assign_shard(id))
);
CREATE UNIQUE INDEX merchants_slug_unique ON merchants (slug);
CREATE INDEX merchants_shard_idx ON merchants (shard_id);
CREATE INDEX merchants_brand_idx ON merchants (brand_id);

CREATE TABLE shard_map (
  shard_id integer PRIMARY KEY CHECK (shard_id BETWEEN 0 AND 15),
  connection_name text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (position('@' in email) > 1),
  password text,
  full_name text,
  platform_role text CHECK (platform_role IN ('support')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- idx_accounts_email_lower, unique: emails are case-insensitive.
CREATE UNIQUE INDEX idx_accounts_email_lower ON users (lower(email));

CREATE TABLE memberships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  merchant_id uuid NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'staff')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, merchant_id)
);
CREATE INDEX memberships_merchant_idx ON memberships (merchant_id);

CREATE TABLE merchant_module_overrides (
  merchant_id uuid NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  module text NOT NULL,
  enabled boolean NOT NULL,
  reason text,
  updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, module)
);

CREATE TABLE auth_access_tokens (
  id bigserial PRIMARY KEY,
  tokenable_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL,
  name text,
  hash text NOT NULL,
  abilities text NOT NULL,
  created_at timestamptz,
  updated_at timestamptz,
  last_used_at timestamptz,
  expires_at timestamptz
);
CREATE INDEX auth_access_tokens_tokenable_idx ON auth_access_tokens (tokenable_id);
`)
  }

  async down() {
    this.schema.raw(
      `DROP TABLE IF EXISTS auth_access_tokens, merchant_module_overrides, memberships, users, shard_map, merchants, brands CASCADE`
    )
  }
}
