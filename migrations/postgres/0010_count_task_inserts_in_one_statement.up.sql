-- Counting the tasks an INSERT or COPY added (0007, 0008) took a PL/pgSQL
-- call of strata_add_task_counts per (cluster, group), each running its own
-- upsert one SPI level down. The same counts now go in with one upsert from
-- the statement's new rows, in the same (cluster, group) order, so that
-- concurrent writers still lock the counter rows in one order. Deletes are
-- counted as before (the ELSE branch is 0008's, unchanged). Only the
-- function is replaced: no lock is taken on tasks, and running sessions
-- pick the new body up at their next insert.
CREATE OR REPLACE FUNCTION strata_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
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
  ELSE
    PERFORM strata_add_task_counts(cluster_arn, task_group,
              -count(*) FILTER (WHERE last_status = 'RUNNING'),
              -count(*) FILTER (WHERE last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
              -count(*) FILTER (WHERE last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING')))
    FROM old_rows WHERE last_status NOT IN ('STOPPED', 'DELETED')
      AND EXISTS (SELECT 1 FROM clusters c WHERE c.arn = old_rows.cluster_arn)
    GROUP BY cluster_arn, task_group ORDER BY cluster_arn, task_group;
    PERFORM strata_task_left_service(cluster_arn, task_group)
    FROM (SELECT DISTINCT cluster_arn, task_group FROM old_rows
          WHERE last_status NOT IN ('STOPPED', 'DELETED') AND task_group LIKE 'service:%'
            AND EXISTS (SELECT 1 FROM clusters c WHERE c.arn = old_rows.cluster_arn)
          ORDER BY cluster_arn, task_group) AS left_live;
  END IF;
  RETURN NULL;
END
$$;
