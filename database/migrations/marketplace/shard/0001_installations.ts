import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'
import { auditTrigger, dropAuditTrigger } from '#database/migrations/compliance/audit_sql'

/**
 * Apps installed by merchants (docs/decisions/marketplace.md, "OAuth install"): the installation, the
 * single-use authorization codes an owner's consent issues, and the access and refresh tokens. Tenant
 * rows on the shard nodes, so shard moves carry them. Codes and tokens are kept as SHA-256 only; the
 * audit log never copies a hash nor the PKCE challenge.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE app_installations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  app_id uuid NOT NULL,
  scopes text[] NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'uninstalled')),
  installed_by uuid,
  installed_at timestamptz NOT NULL DEFAULT now(),
  uninstalled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, id),
  CHECK ((status = 'uninstalled') = (uninstalled_at IS NOT NULL))
);
CREATE UNIQUE INDEX app_installations_active_idx ON app_installations (merchant_id, app_id)
  WHERE status = 'active';
${tenantTableShardGuards('app_installations')}
${auditTrigger('app_installations')}

CREATE TABLE app_authorization_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  app_id uuid NOT NULL,
  approved_by uuid NOT NULL,
  code_hash text NOT NULL UNIQUE,
  redirect_uri text NOT NULL,
  scopes text[] NOT NULL,
  code_challenge text NOT NULL,
  code_challenge_method text NOT NULL CHECK (code_challenge_method = 'S256'),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  installation_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, id),
  FOREIGN KEY (merchant_id, installation_id) REFERENCES app_installations (merchant_id, id)
    ON DELETE CASCADE
);
${tenantTableShardGuards('app_authorization_codes')}
${auditTrigger('app_authorization_codes', { hidden: ['code_hash', 'code_challenge'] })}

CREATE TABLE app_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  installation_id uuid NOT NULL,
  authorization_code_id uuid,
  family_id uuid NOT NULL,
  access_token_hash text NOT NULL UNIQUE,
  refresh_token_hash text NOT NULL UNIQUE,
  scopes text[] NOT NULL,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (merchant_id, installation_id) REFERENCES app_installations (merchant_id, id)
    ON DELETE CASCADE
);
CREATE INDEX app_tokens_installation_idx ON app_tokens (merchant_id, installation_id);
CREATE INDEX app_tokens_family_idx ON app_tokens (merchant_id, family_id);
CREATE INDEX app_tokens_code_idx ON app_tokens (merchant_id, authorization_code_id);
${tenantTableShardGuards('app_tokens')}
${auditTrigger('app_tokens', { hidden: ['access_token_hash', 'refresh_token_hash'] })}
`)
  }

  async down() {
    this.schema.raw(`
${dropAuditTrigger('app_tokens')}
${dropAuditTrigger('app_authorization_codes')}
${dropAuditTrigger('app_installations')}
DROP TABLE IF EXISTS app_tokens;
DROP TABLE IF EXISTS app_authorization_codes;
DROP TABLE IF EXISTS app_installations;
`)
  }
}
