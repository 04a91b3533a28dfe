import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * Bulk import/export runs of a merchant's menu: the status endpoint reads this row while the
 * background job updates its progress. The import's file is kept here (not in the queue payload).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE menu_bulk_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('import', 'export')),
  format text NOT NULL CHECK (format IN ('json', 'csv')),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  total_rows integer NOT NULL DEFAULT 0,
  processed_rows integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  input text,
  output text,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX menu_bulk_jobs_merchant_idx ON menu_bulk_jobs (merchant_id, created_at DESC);
${tenantTableShardGuards('menu_bulk_jobs')}
`)
  }

  async down() {
    this.schema.raw('DROP TABLE IF EXISTS menu_bulk_jobs')
  }
}
