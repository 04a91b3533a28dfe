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

/**
 * Every tenant table: shard_id filled by trigger when the app leaves it out, and checked against
 * the merchant so a row can never carry another shard's id.
 */
export function tenantTableShardGuards(table: string) {
  return `
CREATE TRIGGER ${table}_set_shard_id BEFORE INSERT ON ${table}
  FOR EACH ROW EXECUTE FUNCTION set_shard_id();
ALTER TABLE ${table} ADD CONSTRAINT ${table}_shard_matches_merchant CHECK (shard_id = assign_shard(merchant_id));
CREATE INDEX ${table}_shard_idx ON ${table} (shard_id);
`
}
