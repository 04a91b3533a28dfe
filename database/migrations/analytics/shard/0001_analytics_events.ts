import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'
import {
  CREATE_PARTITION_FUNCTIONS,
  DROP_PARTITION_FUNCTIONS,
} from '#database/migrations/analytics/partition_sql'

/**
 * Seed 055 + 050: the event log, partitioned by month on created_at, primary key (id, created_at).
 * Indexes declared on the parent exist on every partition (PostgreSQL creates them per partition).
 * A DEFAULT partition catches an event for a month that has no partition yet, so it is never lost;
 * `partitions:ensure` later moves such rows into their month's partition.
 * The shard guards (trigger + CHECK + index) work on a partitioned table since PostgreSQL 13.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE analytics_events (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  session_id text NOT NULL,
  event_type text NOT NULL,
  event_data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE TABLE analytics_events_default PARTITION OF analytics_events DEFAULT;

CREATE INDEX idx_analytics_events_merchant_created ON analytics_events (merchant_id, created_at DESC);
CREATE INDEX idx_analytics_events_type_created ON analytics_events (event_type, created_at DESC);
${tenantTableShardGuards('analytics_events')}
${CREATE_PARTITION_FUNCTIONS}

-- The current month and the next two exist from the start; partitions:ensure keeps ahead after that.
SELECT ensure_analytics_partition(((now() AT TIME ZONE 'UTC')::date + (n || ' month')::interval)::date)
FROM generate_series(0, 2) AS n;
`)
  }

  async down() {
    this.schema.raw(`DROP TABLE IF EXISTS analytics_events CASCADE; ${DROP_PARTITION_FUNCTIONS}`)
  }
}
