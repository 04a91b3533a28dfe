/**
 * Seed 055: analytics_events is range-partitioned by month on created_at. The maintenance function
 * creates one month's partition and, in the same transaction, moves that month's rows out of the
 * DEFAULT partition first (PostgreSQL refuses to create a partition whose range the default already
 * holds rows for). Nothing is lost: the rows are re-inserted through the parent into the new partition.
 * Partition names are analytics_events_YYYY_MM; months are UTC months.
 */
export const CREATE_PARTITION_FUNCTIONS = `
CREATE OR REPLACE FUNCTION ensure_analytics_partition(month date) RETURNS boolean AS $$
DECLARE
  first_day date := date_trunc('month', month)::date;
  next_day date := (date_trunc('month', month) + interval '1 month')::date;
  partition_name text := 'analytics_events_' || to_char(first_day, 'YYYY_MM');
  lower_bound timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
  upper_bound timestamptz := next_day::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF to_regclass(partition_name) IS NOT NULL THEN
    RETURN false;
  END IF;
  -- CREATE TABLE ... PARTITION OF needs this lock on the parent anyway; taking it first (it covers the
  -- partitions, default included) keeps the lock order of concurrent inserts (parent, then partition),
  -- so no deadlock, and no insert reaches the default partition while its rows for this month move.
  LOCK TABLE analytics_events IN ACCESS EXCLUSIVE MODE;
  CREATE TEMP TABLE IF NOT EXISTS analytics_events_moving (LIKE analytics_events) ON COMMIT DROP;
  WITH moved AS (
    DELETE FROM analytics_events_default WHERE created_at >= lower_bound AND created_at < upper_bound RETURNING *
  )
  INSERT INTO analytics_events_moving SELECT * FROM moved;
  EXECUTE format(
    'CREATE TABLE %I PARTITION OF analytics_events FOR VALUES FROM (%L) TO (%L)',
    partition_name, lower_bound, upper_bound
  );
  INSERT INTO analytics_events SELECT * FROM analytics_events_moving;
  DELETE FROM analytics_events_moving;
  RETURN true;
END;
$$ LANGUAGE plpgsql;

-- Months that have rows waiting in the default partition (they get their own partition next run).
CREATE OR REPLACE FUNCTION analytics_default_partition_months() RETURNS SETOF date AS $$
  SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM analytics_events_default ORDER BY 1
$$ LANGUAGE sql STABLE;
`

export const DROP_PARTITION_FUNCTIONS = `
DROP FUNCTION IF EXISTS ensure_analytics_partition(date);
DROP FUNCTION IF EXISTS analytics_default_partition_months();
`
