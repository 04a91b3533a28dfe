import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Self sign-up: a user's verified address, a merchant's publication (its public pages are live only
 * once its owner has verified the address; merchants that exist already, and those support creates,
 * are published), and single-use account tokens (email verification, password reset) kept only as a
 * SHA-256 digest. One more account mail kind: the notice sent to an address someone tried to sign up
 * with.
 */
// No question marks in raw SQL here: the query builder reads them as bindings.
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;

ALTER TABLE merchants ADD COLUMN published_at timestamptz DEFAULT now();
UPDATE merchants SET published_at = created_at;

CREATE TABLE account_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('verify_email', 'password_reset')),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, kind) WHERE used_at IS NULL;

ALTER TABLE account_mails DROP CONSTRAINT account_mails_kind_check;
ALTER TABLE account_mails ADD CONSTRAINT account_mails_kind_check CHECK (kind IN ('verify_email', 'invitation', 'password_reset', 'password_changed', 'sign_in_alert', 'second_factor_changed', 'sign_up_attempt'));
`)
  }

  async down() {
    this.schema.raw(`
DROP TABLE IF EXISTS account_tokens;
ALTER TABLE merchants DROP COLUMN IF EXISTS published_at;
ALTER TABLE users DROP COLUMN IF EXISTS email_verified_at;
`)
  }
}
