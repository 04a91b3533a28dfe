import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Data-subject requests (Art. 15 export, Art. 17 erasure). The subject is kept as a SHA-256 digest of
 * the normalised email, never the address itself: the record outlives the erasure it proves.
 * An erasure's hard delete is a row with a due date (hard_delete_due_at), run by a daily job, so it
 * survives restarts and a Redis flush; `pending_deletes` lists the anonymized rows to remove then.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE gdpr_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('export', 'erasure')),
  subject_digest text NOT NULL,
  subject_user_ids uuid[] NOT NULL DEFAULT '{}',
  status text NOT NULL CHECK (status IN ('received', 'completed', 'anonymized', 'deleted', 'failed')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 3 AND 500),
  requested_by uuid,
  requested_via text NOT NULL CHECK (requested_via IN ('api', 'command')),
  received_at timestamptz NOT NULL DEFAULT now(),
  legal_deadline timestamptz NOT NULL,
  completed_at timestamptz,
  hard_delete_due_at timestamptz,
  hard_deleted_at timestamptz,
  pending_deletes jsonb NOT NULL DEFAULT '[]',
  summary jsonb NOT NULL DEFAULT '{}',
  last_error text
);
CREATE INDEX gdpr_requests_due_idx ON gdpr_requests (hard_delete_due_at)
  WHERE hard_deleted_at IS NULL AND hard_delete_due_at IS NOT NULL;
CREATE INDEX gdpr_requests_subject_idx ON gdpr_requests (subject_digest);
`)
  }

  async down() {
    this.schema.raw('DROP TABLE IF EXISTS gdpr_requests')
  }
}
