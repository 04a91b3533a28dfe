import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * shards:isolate (docs/decisions/shard_moves.md, "Isolating a merchant"): a merchant may live on a dedicated
 * shard (16 and up) instead of its hash shard. merchant_isolations records each isolation and the step it
 * reached, so that running the command again after a crash goes on from there.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
ALTER TABLE merchants DROP CONSTRAINT merchants_shard_id_check,
  ADD CONSTRAINT merchants_shard_id_check CHECK (shard_id >= 0),
  DROP CONSTRAINT merchants_shard_matches_id,
  ADD CONSTRAINT merchants_shard_matches_id CHECK (shard_id = assign_shard(id) OR shard_id >= 16);
ALTER TABLE shard_map DROP CONSTRAINT shard_map_shard_id_check,
  ADD CONSTRAINT shard_map_shard_id_check CHECK (shard_id >= 0);

CREATE TABLE merchant_isolations (
  merchant_id uuid PRIMARY KEY REFERENCES merchants (id) ON DELETE CASCADE,
  shard_id integer NOT NULL UNIQUE CHECK (shard_id >= 16),
  hash_shard integer NOT NULL,
  target text NOT NULL,
  step text NOT NULL CHECK (step IN ('split', 'move', 'done')),
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
`)
  }

  async down() {
    this.schema.raw(`
DROP TABLE IF EXISTS merchant_isolations;
ALTER TABLE shard_map DROP CONSTRAINT shard_map_shard_id_check,
  ADD CONSTRAINT shard_map_shard_id_check CHECK (shard_id BETWEEN 0 AND 15);
ALTER TABLE merchants DROP CONSTRAINT merchants_shard_matches_id,
  ADD CONSTRAINT merchants_shard_matches_id CHECK (shard_id = assign_shard(id)),
  DROP CONSTRAINT merchants_shard_id_check,
  ADD CONSTRAINT merchants_shard_id_check CHECK (shard_id BETWEEN 0 AND 15);
`)
  }
}
