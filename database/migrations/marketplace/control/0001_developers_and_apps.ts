import { BaseSchema } from '@adonisjs/lucid/schema'
import { auditTrigger } from '#database/migrations/compliance/audit_sql'

/**
 * The marketplace's developers, their apps and the apps' webhook subscriptions
 * (docs/decisions/marketplace.md). Platform-level data, so on the control database: an app belongs
 * to no merchant. Installations (a merchant's use of an app) will live on the shards.
 * The enums and scope/topic sets are CHECK constraints here and constants in app/marketplace/catalog.ts.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE developers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
  contact_email text NOT NULL,
  website text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'suspended')),
  verified_by uuid REFERENCES users (id) ON DELETE SET NULL,
  verified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX developers_status_idx ON developers (status, created_at);

CREATE TABLE apps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  developer_id uuid NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
  category text NOT NULL CHECK (category IN ('integration', 'analytics', 'marketing', 'operations')),
  pricing_model text NOT NULL DEFAULT 'free' CHECK (pricing_model IN ('free', 'paid', 'freemium')),
  monthly_price_minor integer NOT NULL DEFAULT 0 CHECK (monthly_price_minor >= 0),
  usage_price_minor integer NOT NULL DEFAULT 0 CHECK (usage_price_minor >= 0),
  usage_unit text,
  currency char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
  scopes text[] NOT NULL DEFAULT '{}' CHECK (scopes <@ ARRAY['read_menu', 'write_menu', 'read_orders',
    'write_orders', 'read_analytics', 'read_customers']::text[]),
  redirect_uris text[] NOT NULL DEFAULT '{}',
  tagline text,
  description text,
  support_url text,
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'submitted', 'approved', 'listed', 'rejected')),
  review_note text,
  reviewed_by uuid REFERENCES users (id) ON DELETE SET NULL,
  reviewed_at timestamptz,
  submitted_at timestamptz,
  listed_at timestamptz,
  client_id text NOT NULL UNIQUE,
  client_secret_hash text NOT NULL,
  secret_rotated_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (pricing_model <> 'free' OR (monthly_price_minor = 0 AND usage_price_minor = 0)),
  CHECK (usage_price_minor = 0 OR usage_unit IS NOT NULL)
);
CREATE INDEX apps_developer_idx ON apps (developer_id, created_at);
CREATE INDEX apps_status_idx ON apps (status, created_at);

CREATE TABLE app_webhook_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  topic text NOT NULL CHECK (topic IN ('order.created', 'order.status_changed', 'menu.updated',
    'app/uninstalled', 'customers/data_request', 'customers/redact', 'shop/redact')),
  url text NOT NULL CHECK (url LIKE 'https://%'),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (app_id, topic, url)
);

${auditTrigger('developers', { merchantColumn: null, hidden: ['display_name', 'contact_email', 'website'] })}
${auditTrigger('apps', { merchantColumn: null, hidden: ['client_secret_hash'] })}
${auditTrigger('app_webhook_subscriptions', { merchantColumn: null })}
`)
  }

  async down() {
    this.schema.raw(`
DROP TABLE IF EXISTS app_webhook_subscriptions;
DROP TABLE IF EXISTS apps;
DROP TABLE IF EXISTS developers;
`)
  }
}
