import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Password resets and sessions.
 *
 * account_tokens: single-use, expiring links mailed to an account (email verification, password
 * reset). Only the SHA-256 of the token is stored; `used_at` is set by the one UPDATE that consumes it.
 * Sign-up creates the same table with the same design, so both migrations create it only if missing.
 *
 * auth_access_tokens gains the device (user agent, truncated) and the client address it was issued to,
 * for the sessions list and the new sign-in alert.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE IF NOT EXISTS account_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('verify_email', 'password_reset')),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS account_tokens_user_idx ON account_tokens (user_id, kind) WHERE used_at IS NULL;

ALTER TABLE auth_access_tokens
  ADD COLUMN IF NOT EXISTS user_agent text,
  ADD COLUMN IF NOT EXISTS ip_address text;
`)
  }

  async down() {
    this.schema.raw(`
ALTER TABLE auth_access_tokens DROP COLUMN IF EXISTS user_agent, DROP COLUMN IF EXISTS ip_address;
DROP TABLE IF EXISTS account_tokens;
`)
  }
}
