import { BaseSchema } from '@adonisjs/lucid/schema'
import {
  CREATE_SHARD_FUNCTIONS,
  HASH_SHARD_CHECK,
  STRICT_SHARD_CHECK,
} from '#database/migrations/tenancy/shard_functions'

/**
 * Dedicated shards (docs/decisions/shard_moves.md, "Isolating a merchant"): shards 0-15 hold merchants by
 * hash; a merchant isolated by shards:isolate gets a shard of its own, numbered from 16, recorded on every
 * node in dedicated_merchants.
 * - Every tenant table's check allows a dedicated shard next to the hash one.
 * - set_shard_id() fills a dedicated merchant's shard when the app leaves it out.
 * - guard_dedicated_merchants(table) puts one trigger per dedicated merchant on a table, refusing a row of
 *   that merchant under any other shard (SQLSTATE GB504: a process with a stale merchant entry re-reads it
 *   and retries). Its WHEN clause is checked in C, so other merchants' writes pay next to nothing. Named
 *   zz_... so it runs after the table's set_shard_id trigger (BEFORE triggers run in name order).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE dedicated_merchants (
  merchant_id uuid PRIMARY KEY,
  dedicated_shard integer NOT NULL UNIQUE CHECK (dedicated_shard >= 16),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION set_shard_id() RETURNS trigger AS $$
BEGIN
  IF NEW.shard_id IS NULL THEN
    SELECT dedicated_shard INTO NEW.shard_id FROM dedicated_merchants WHERE merchant_id = NEW.merchant_id;
    IF NEW.shard_id IS NULL THEN
      NEW.shard_id := assign_shard(NEW.merchant_id);
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION refuse_dedicated_merchant() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'merchant % lives on shard % now', NEW.merchant_id, TG_ARGV[0]
    USING ERRCODE = 'GB504';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION guard_dedicated_merchants(target regclass) RETURNS void AS $$
DECLARE
  dedicated record;
BEGIN
  FOR dedicated IN SELECT merchant_id, dedicated_shard FROM dedicated_merchants LOOP
    EXECUTE format(
      'CREATE OR REPLACE TRIGGER %I BEFORE INSERT ON %s FOR EACH ROW
         WHEN (NEW.merchant_id = %L::uuid AND NEW.shard_id <> %s)
         EXECUTE FUNCTION refuse_dedicated_merchant(%L)',
      'zz_dedicated_' || replace(dedicated.merchant_id::text, '-', ''), target,
      dedicated.merchant_id, dedicated.dedicated_shard, dedicated.dedicated_shard);
  END LOOP;
END;
$$ LANGUAGE plpgsql;

${replaceShardChecks(HASH_SHARD_CHECK)}
`)
  }

  async down() {
    this.schema.raw(`
${replaceShardChecks(STRICT_SHARD_CHECK)}
DROP FUNCTION IF EXISTS guard_dedicated_merchants(regclass);
DROP FUNCTION IF EXISTS refuse_dedicated_merchant() CASCADE;
DROP TABLE IF EXISTS dedicated_merchants;
${CREATE_SHARD_FUNCTIONS}
`)
  }
}

/** Every tenant table's <table>_shard_matches_merchant check, on roots (partitions inherit it). */
function replaceShardChecks(check: string) {
  return `
DO $$
DECLARE
  found record;
BEGIN
  FOR found IN
    SELECT c.oid::regclass AS tbl, k.conname
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    WHERE k.contype = 'c' AND k.conname LIKE '%shard_matches_merchant' AND NOT c.relispartition
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I CHECK (${check})',
      found.tbl, found.conname, found.conname);
  END LOOP;
END $$;`
}
