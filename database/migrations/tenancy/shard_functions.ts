/**
 * assign_shard() and the set_shard_id() trigger function, installed on the control
 * database and on every shard node. Must agree with assignShard() in app/tenancy/sharding/shard_hash.ts;
 * the cast to bigint keeps abs() from overflowing on -2^31.
 */
export const CREATE_SHARD_FUNCTIONS = `
CREATE OR REPLACE FUNCTION assign_shard(merchant_id uuid) RETURNS integer AS $$
  SELECT (abs(hashtext(merchant_id::text)::bigint) % 16)::integer
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION set_shard_id() RETURNS trigger AS $$
BEGIN
  IF NEW.shard_id IS NULL THEN
    NEW.shard_id := assign_shard(NEW.merchant_id);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
`

export const DROP_SHARD_FUNCTIONS = `
DROP FUNCTION IF EXISTS set_shard_id() CASCADE;
DROP FUNCTION IF EXISTS assign_shard(uuid) CASCADE;
`

/** What a tenant row's shard_id may be: its merchant's hash shard, or a dedicated shard (16 and up). */
export const HASH_SHARD_CHECK = 'shard_id = assign_shard(merchant_id) OR shard_id >= 16'
/** The check before dedicated shards (tenancy/shard/0004_dedicated_shards.ts), for its down(). */
export const STRICT_SHARD_CHECK = 'shard_id = assign_shard(merchant_id)'

/**
 * Every tenant table: shard_id filled by trigger when the app leaves it out, and checked against
 * the merchant so a row can never carry another hash shard's id. Once dedicated shards exist on the
 * node (tenancy/shard/0004_dedicated_shards.ts), a new table gets their guards too.
 */
export function tenantTableShardGuards(table: string) {
  return `
CREATE TRIGGER ${table}_set_shard_id BEFORE INSERT ON ${table}
  FOR EACH ROW EXECUTE FUNCTION set_shard_id();
ALTER TABLE ${table} ADD CONSTRAINT ${table}_shard_matches_merchant CHECK (${HASH_SHARD_CHECK});
CREATE INDEX ${table}_shard_idx ON ${table} (shard_id);
DO $$ BEGIN
  IF to_regprocedure('guard_dedicated_merchants(regclass)') IS NOT NULL THEN
    PERFORM guard_dedicated_merchants('${table}'::regclass);
  END IF;
END $$;
`
}
