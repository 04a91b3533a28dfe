import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Team management: invitations by email (only a SHA-256 of the single-use token is kept), and the
 * database's own guard that a merchant never loses its last owner.
 *
 * The guard locks the merchant row before counting owners, so two transactions that each demote or
 * remove a different owner are serialised: the second one counts after the first has committed and
 * fails. A merchant being deleted (its memberships cascade) is no longer there to lock and is skipped.
 */
// No question marks in raw SQL here: the query builder reads them as bindings.
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE team_invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (position('@' in email) > 1 AND length(email) <= 254),
  role text NOT NULL CHECK (role IN ('manager', 'staff')),
  token_hash text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT team_invitations_one_outcome CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
CREATE UNIQUE INDEX team_invitations_token_hash_unique ON team_invitations (token_hash);
-- One open invitation per address and merchant: inviting again replaces it.
CREATE UNIQUE INDEX team_invitations_open_unique ON team_invitations (merchant_id, lower(email))
  WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX team_invitations_email_idx ON team_invitations (lower(email));
CREATE INDEX team_invitations_invited_by_idx ON team_invitations (invited_by);
CREATE INDEX team_invitations_accepted_by_idx ON team_invitations (accepted_by);

CREATE FUNCTION memberships_keep_an_owner() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.role = 'owner' AND NEW.merchant_id = OLD.merchant_id THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM merchants WHERE id = OLD.merchant_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM memberships WHERE merchant_id = OLD.merchant_id AND role = 'owner') THEN
    RAISE EXCEPTION 'merchant % would be left without an owner', OLD.merchant_id
      USING ERRCODE = 'GU409', HINT = 'transfer ownership first';
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER memberships_keep_an_owner AFTER UPDATE OF role, merchant_id OR DELETE ON memberships
  FOR EACH ROW WHEN (OLD.role = 'owner') EXECUTE FUNCTION memberships_keep_an_owner();
`)
  }

  async down() {
    this.schema.raw(`
DROP TRIGGER IF EXISTS memberships_keep_an_owner ON memberships;
DROP FUNCTION IF EXISTS memberships_keep_an_owner();
DROP TABLE IF EXISTS team_invitations;
`)
  }
}
