-- Counting the tasks an INSERT or COPY added (0007) took a PL/pgSQL call of
-- strata_add_task_counts per (cluster, group), each running its own upsert
-- one SPI level down: about 45 us of a single-task insert's 75 us on the
-- server. The same counts now go in with one upsert, from the statement's
-- new rows, in the same (cluster, group) order, so concurrent writers still
-- lock the counter rows in one order. Deletes and moves are unchanged.
CREATE FUNCTION strata_count_task_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_counts AS c (cluster_arn, task_group, shard, running, pending, stopping)
  SELECT cluster_arn, task_group, pg_backend_pid() % 16,
         count(*) FILTER (WHERE last_status = 'RUNNING'),
         count(*) FILTER (WHERE last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
         count(*) FILTER (WHERE last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
  FROM new_rows WHERE last_status NOT IN ('STOPPED', 'DELETED')
  GROUP BY cluster_arn, task_group ORDER BY cluster_arn, task_group
  ON CONFLICT (cluster_arn, task_group, shard) DO UPDATE SET
    running = c.running + excluded.running, pending = c.pending + excluded.pending,
    stopping = c.stopping + excluded.stopping;
  RETURN NULL;
END
$$;
DROP TRIGGER tasks_count_insert ON tasks;
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION strata_count_task_inserts();
