import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The account mail outbox: verification, invitation, password reset and sign-in alert mails, written in
 * the same control transaction as the token they carry. The body holds a single-use link, so it is
 * cleared once the mail is sent (or has failed for good); what stays is who, what kind and when.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE account_mails (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  recipient text NOT NULL CHECK (position('@' in recipient) > 1),
  kind text NOT NULL CHECK (kind IN ('verify_email', 'invitation', 'password_reset', 'password_changed', 'sign_in_alert', 'second_factor_changed')),
  subject text NOT NULL,
  body text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX account_mails_pending_idx ON account_mails (created_at) WHERE status IN ('pending', 'sending');
CREATE INDEX account_mails_user_idx ON account_mails (user_id);
`)
  }

  async down() {
    this.schema.raw('DROP TABLE IF EXISTS account_mails')
  }
}
