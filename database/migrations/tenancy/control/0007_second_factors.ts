import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Second factor (TOTP, RFC 6238): one factor per account, its secret encrypted with APP_KEY (a copy of
 * the database alone cannot produce codes); confirmed_at is null while enrolment waits for a first
 * code; last_used_step is the highest 30-second step accepted, so a code is never accepted twice.
 * Recovery codes are kept as SHA-256 digests (they are random, 50+ bits: no slow hash needed) and
 * each works once. Login challenges are the single-use tokens between password and code, kept as
 * digests for five minutes.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE user_second_factors (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret text NOT NULL,
  confirmed_at timestamptz,
  last_used_step bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE user_recovery_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, code_hash)
);
CREATE TABLE second_factor_challenges (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  merchant text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX second_factor_challenges_user_idx ON second_factor_challenges (user_id);
CREATE INDEX second_factor_challenges_expiry_idx ON second_factor_challenges (expires_at);
`)
  }

  async down() {
    this.schema.raw(
      'DROP TABLE IF EXISTS second_factor_challenges, user_recovery_codes, user_second_factors'
    )
  }
}
