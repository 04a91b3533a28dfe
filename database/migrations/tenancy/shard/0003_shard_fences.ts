import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The write fence of a shard move (docs/decisions/shard_moves.md), enforced by the node itself so a
 * process holding a stale shard map cannot write to the old place. A move puts shard_fence() triggers on
 * its shard's rows (WHEN shard_id = n: other shards pay nothing) and fences the shard with a row in
 * shard_fences. Logical replication's apply workers do not fire these triggers (they run as replicas),
 * and the move's own clean-up sets gudbro.shard_fence_bypass. The error code GB503 tells the app to
 * re-read the shard map and retry.
 *
 * shard_move_markers: a row written behind the fence and awaited on the other node proves that every
 * change committed before it has been applied there (replication applies in commit order).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE shard_fences (
  shard_id integer PRIMARY KEY,
  move_id uuid NOT NULL,
  fenced_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shard_move_markers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  shard_id integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION shard_fence() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('gudbro.shard_fence_bypass', true), '') <> 'on'
     AND EXISTS (SELECT 1 FROM shard_fences WHERE shard_id = TG_ARGV[0]::integer) THEN
    RAISE EXCEPTION 'shard % is fenced on this node: it is moving or has moved', TG_ARGV[0]
      USING ERRCODE = 'GB503';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
`)
  }

  async down() {
    this.schema.raw(`
DROP FUNCTION IF EXISTS shard_fence() CASCADE;
DROP TABLE IF EXISTS shard_move_markers, shard_fences;
`)
  }
}
