/**
 * The audit log, installed on the control database and on every shard node: a row lives
 * where its table lives. Partitioned by month on created_at, with a DEFAULT partition so a missing
 * month never loses a row; ensure_audit_partitions() creates months ahead (migration + daily job).
 *
 * The actor comes from transaction-local settings (`set_config('app.actor_id', ..., true)`) that the
 * app sets for every request, job and command; without them the row says 'system'.
 */
// No question marks in raw SQL here: the query builder reads them as bindings.
export const CREATE_AUDIT_LOG = `
CREATE TABLE audit_log (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  merchant_id uuid,
  actor_id uuid,
  actor_type text NOT NULL DEFAULT 'system',
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  old_values jsonb,
  new_values jsonb,
  reason text,
  request_id text,
  ip_address inet,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
CREATE INDEX audit_log_merchant_idx ON audit_log (merchant_id, created_at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at DESC);
CREATE INDEX audit_log_resource_idx ON audit_log (resource_type, resource_id);

CREATE OR REPLACE FUNCTION ensure_audit_partitions(months_ahead integer) RETURNS void AS $$
DECLARE
  month date := date_trunc('month', now())::date;
  name text;
BEGIN
  FOR i IN 0..months_ahead LOOP
    name := 'audit_log_' || to_char(month, 'YYYY_MM');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
        name, month, (month + interval '1 month')::date);
    END IF;
    month := (month + interval '1 month')::date;
  END LOOP;
END;
$$ LANGUAGE plpgsql;
SELECT ensure_audit_partitions(3);

CREATE OR REPLACE FUNCTION audit_setting(name text) RETURNS text AS $$
  SELECT NULLIF(current_setting(name, true), '')
$$ LANGUAGE sql STABLE;

-- TG_ARGV[0]: the column holding the merchant id ('-' for none); the rest: columns never copied
-- into the log (secrets and personal values: an erased person must not live on in old_values).
CREATE OR REPLACE FUNCTION audit_trigger() RETURNS trigger AS $$
DECLARE
  old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
  merchant_column text := TG_ARGV[0];
  hidden text[] := TG_ARGV[1:];
  row_data jsonb := COALESCE(new_row, old_row);
BEGIN
  INSERT INTO audit_log (merchant_id, actor_id, actor_type, action, resource_type, resource_id,
                         old_values, new_values, reason, request_id, ip_address, user_agent)
  VALUES (
    CASE WHEN merchant_column = '-' THEN NULL ELSE (row_data ->> merchant_column)::uuid END,
    audit_setting('app.actor_id')::uuid,
    COALESCE(audit_setting('app.actor_type'), 'system'),
    TG_OP,
    TG_TABLE_NAME,
    row_data ->> 'id',
    old_row - hidden,
    new_row - hidden,
    audit_setting('app.actor_reason'),
    audit_setting('app.request_id'),
    audit_setting('app.client_ip')::inet,
    audit_setting('app.user_agent')
  );
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
`

export const DROP_AUDIT_LOG = `
DROP FUNCTION IF EXISTS audit_trigger() CASCADE;
DROP FUNCTION IF EXISTS audit_setting(text);
DROP FUNCTION IF EXISTS ensure_audit_partitions(integer);
DROP TABLE IF EXISTS audit_log CASCADE;
`

/**
 * Attaches the audit trigger to a sensitive table (orders, menu items, marketplace installs call this
 * from their own migrations). `merchantColumn` is the column holding the merchant id (null: none);
 * `hidden` columns are never copied into the log.
 */
export function auditTrigger(
  table: string,
  options: { merchantColumn?: string | null; hidden?: string[] } = {}
) {
  const merchantColumn =
    options.merchantColumn === undefined ? 'merchant_id' : (options.merchantColumn ?? '-')
  const args = [merchantColumn, ...(options.hidden ?? [])].map((arg) => `'${arg}'`).join(', ')
  return `
CREATE TRIGGER ${table}_audit AFTER INSERT OR UPDATE OR DELETE ON ${table}
  FOR EACH ROW EXECUTE FUNCTION audit_trigger(${args});
`
}

export function dropAuditTrigger(table: string) {
  return `DROP TRIGGER IF EXISTS ${table}_audit ON ${table};`
}
