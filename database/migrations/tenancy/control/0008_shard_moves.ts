import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Online shard moves (docs/decisions/shard_moves.md). shard_map.version goes up on every flip, so a
 * process can tell its map is stale. shard_moves records each move and the step it reached, so that
 * running the command again after a crash resumes or rolls back from there; at most one move is active.
 * shard_nodes keeps what an operator decided about a node (drained).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
ALTER TABLE shard_map ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE TABLE shard_moves (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  shard_id integer NOT NULL,
  source text NOT NULL,
  target text NOT NULL,
  step text NOT NULL,
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'completed', 'rolled_back')),
  reason text,
  rows_copied bigint NOT NULL DEFAULT 0,
  lag_bytes bigint,
  fenced_at timestamptz,
  fence_ms integer,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX shard_moves_one_active ON shard_moves ((true)) WHERE state = 'active';

-- Nodes are declared in SHARD_NODE_URLS; a drained node takes no shards from shards:rebalance until
-- shards:drain --undo. A node without a row takes shards.
CREATE TABLE shard_nodes (
  name text PRIMARY KEY,
  accepts_shards boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`)
  }

  async down() {
    this.schema.raw(`
DROP TABLE IF EXISTS shard_nodes, shard_moves;
ALTER TABLE shard_map DROP COLUMN IF EXISTS version;
`)
  }
}
