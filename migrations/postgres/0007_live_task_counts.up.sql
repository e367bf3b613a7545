-- The store owns the live counters of clusters and services (ECS's
-- running/pending task counts). Each task that is not STOPPED or DELETED
-- counts in `task_counts`, kept by triggers in the same transaction as every
-- write of `tasks` (inserts, COPY, upserts, updates, deletes and the cascade
-- of a cluster delete), whoever writes. Rows are split into 16 shards by
-- the writing backend, so concurrent writers to one service or cluster add
-- to different rows instead of queueing on one; a counter is the sum of its
-- shards. The cluster and service columns that callers could set, and that
-- nothing kept, are dropped: the store computes them on every read.
CREATE TABLE task_counts (
  cluster_arn text NOT NULL,
  task_group text NOT NULL,
  shard integer NOT NULL,
  running bigint NOT NULL,
  pending bigint NOT NULL,
  stopping bigint NOT NULL,
  PRIMARY KEY (cluster_arn, task_group, shard)
);

-- One statement-level trigger per event: a bulk write adds one row per
-- (cluster, group) it touched, not one per task. RUNNING counts as running;
-- PROVISIONING, PENDING and ACTIVATING as pending; DEACTIVATING, STOPPING
-- and DEPROVISIONING as stopping.
CREATE FUNCTION strata_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
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
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO task_counts AS c (cluster_arn, task_group, shard, running, pending, stopping)
    SELECT cluster_arn, task_group, pg_backend_pid() % 16,
           -count(*) FILTER (WHERE last_status = 'RUNNING'),
           -count(*) FILTER (WHERE last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
           -count(*) FILTER (WHERE last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
    FROM old_rows WHERE last_status NOT IN ('STOPPED', 'DELETED')
    GROUP BY cluster_arn, task_group ORDER BY cluster_arn, task_group
    ON CONFLICT (cluster_arn, task_group, shard) DO UPDATE SET
      running = c.running + excluded.running, pending = c.pending + excluded.pending,
      stopping = c.stopping + excluded.stopping;
  ELSE
    INSERT INTO task_counts AS c (cluster_arn, task_group, shard, running, pending, stopping)
    SELECT cluster_arn, task_group, pg_backend_pid() % 16, sum(r), sum(p), sum(s)
    FROM (SELECT cluster_arn, task_group, (last_status = 'RUNNING')::int AS r,
                 (last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'))::int AS p,
                 (last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))::int AS s
          FROM new_rows
          UNION ALL
          SELECT cluster_arn, task_group, -(last_status = 'RUNNING')::int,
                 -(last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'))::int,
                 -(last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))::int
          FROM old_rows) AS delta
    GROUP BY cluster_arn, task_group
    HAVING sum(r) <> 0 OR sum(p) <> 0 OR sum(s) <> 0
    ORDER BY cluster_arn, task_group
    ON CONFLICT (cluster_arn, task_group, shard) DO UPDATE SET
      running = c.running + excluded.running, pending = c.pending + excluded.pending,
      stopping = c.stopping + excluded.stopping;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION strata_count_tasks();
CREATE TRIGGER tasks_count_update AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION strata_count_tasks();
CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION strata_count_tasks();

-- The tasks stored before this version, counted once. The triggers above
-- already hold the table's lock, so no write slips in between.
INSERT INTO task_counts (cluster_arn, task_group, shard, running, pending, stopping)
SELECT cluster_arn, task_group, 0,
       count(*) FILTER (WHERE last_status = 'RUNNING'),
       count(*) FILTER (WHERE last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
       count(*) FILTER (WHERE last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
FROM tasks WHERE last_status NOT IN ('STOPPED', 'DELETED')
GROUP BY cluster_arn, task_group;

ALTER TABLE clusters DROP COLUMN running_tasks_count;
ALTER TABLE clusters DROP COLUMN pending_tasks_count;
ALTER TABLE clusters DROP COLUMN active_services_count;
ALTER TABLE services DROP COLUMN running_count;
ALTER TABLE services DROP COLUMN pending_count;
