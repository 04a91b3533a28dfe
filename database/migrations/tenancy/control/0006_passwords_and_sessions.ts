import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Sessions. (Password reset links live in account_tokens, created with sign-up's verification links in
 * 0004_sign_up.ts.)
 *
 * auth_access_tokens gains the device (user agent, truncated) and the client address it was issued to,
 * for the sessions list and the new sign-in alert.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
ALTER TABLE auth_access_tokens
  ADD COLUMN IF NOT EXISTS user_agent text,
  ADD COLUMN IF NOT EXISTS ip_address text;
`)
  }

  async down() {
    this.schema.raw(`
ALTER TABLE auth_access_tokens DROP COLUMN IF EXISTS user_agent, DROP COLUMN IF EXISTS ip_address;
`)
  }
}
