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

-- Adds counts to the task's shard row. RUNNING counts as running;
-- PROVISIONING, PENDING and ACTIVATING as pending; DEACTIVATING, STOPPING and
-- DEPROVISIONING as stopping; STOPPED and DELETED not at all.
CREATE FUNCTION strata_add_task_counts(add_cluster text, add_group text, add_running bigint,
                                       add_pending bigint, add_stopping bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- PL/pgSQL, not SQL: its statement is planned once per connection.
  INSERT INTO task_counts AS c (cluster_arn, task_group, shard, running, pending, stopping)
  VALUES (add_cluster, add_group, pg_backend_pid() % 16, add_running, add_pending, add_stopping)
  ON CONFLICT (cluster_arn, task_group, shard) DO UPDATE SET
    running = c.running + excluded.running, pending = c.pending + excluded.pending,
    stopping = c.stopping + excluded.stopping;
END
$$;

-- Inserts and deletes: one statement-level trigger each, so a COPY of
-- 10,000 tasks adds one row per (cluster, group), not one per task. Tasks
-- deleted with their cluster (the cascade) are not counted: the cluster's
-- counts go with it, by the trigger on clusters below.
CREATE FUNCTION strata_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM strata_add_task_counts(cluster_arn, task_group,
              count(*) FILTER (WHERE last_status = 'RUNNING'),
              count(*) FILTER (WHERE last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
              count(*) FILTER (WHERE last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING')))
    FROM new_rows WHERE last_status NOT IN ('STOPPED', 'DELETED')
    GROUP BY cluster_arn, task_group ORDER BY cluster_arn, task_group;
  ELSE
    PERFORM strata_add_task_counts(cluster_arn, task_group,
              -count(*) FILTER (WHERE last_status = 'RUNNING'),
              -count(*) FILTER (WHERE last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
              -count(*) FILTER (WHERE last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING')))
    FROM old_rows WHERE last_status NOT IN ('STOPPED', 'DELETED')
      AND EXISTS (SELECT 1 FROM clusters c WHERE c.arn = old_rows.cluster_arn)
    GROUP BY cluster_arn, task_group ORDER BY cluster_arn, task_group;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION strata_count_tasks();
CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION strata_count_tasks();

-- Updates: a row-level trigger that runs only when a task changes state,
-- group or cluster (most updates change none of them and cost nothing).
CREATE FUNCTION strata_count_task_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.cluster_arn = NEW.cluster_arn AND OLD.task_group = NEW.task_group THEN
    IF OLD.last_status NOT IN ('STOPPED', 'DELETED') OR NEW.last_status NOT IN ('STOPPED', 'DELETED') THEN
      PERFORM strata_add_task_counts(NEW.cluster_arn, NEW.task_group,
                (NEW.last_status = 'RUNNING')::int - (OLD.last_status = 'RUNNING')::int,
                (NEW.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'))::int
                  - (OLD.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'))::int,
                (NEW.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))::int
                  - (OLD.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))::int);
    END IF;
    RETURN NULL;
  END IF;
  IF OLD.last_status NOT IN ('STOPPED', 'DELETED') THEN
    PERFORM strata_add_task_counts(OLD.cluster_arn, OLD.task_group,
              -(OLD.last_status = 'RUNNING')::int,
              -(OLD.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'))::int,
              -(OLD.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))::int);
  END IF;
  IF NEW.last_status NOT IN ('STOPPED', 'DELETED') THEN
    PERFORM strata_add_task_counts(NEW.cluster_arn, NEW.task_group,
              (NEW.last_status = 'RUNNING')::int,
              (NEW.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'))::int,
              (NEW.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))::int);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_count_update AFTER UPDATE OF last_status, cluster_arn, task_group ON tasks
  FOR EACH ROW WHEN (OLD.last_status IS DISTINCT FROM NEW.last_status
                     OR OLD.cluster_arn IS DISTINCT FROM NEW.cluster_arn
                     OR OLD.task_group IS DISTINCT FROM NEW.task_group)
  EXECUTE FUNCTION strata_count_task_move();

-- A deleted cluster's counts go with it, so a cluster made again under the
-- same ARN starts from zero.
CREATE FUNCTION strata_forget_task_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM task_counts WHERE cluster_arn = OLD.arn;
  RETURN NULL;
END
$$;
CREATE TRIGGER clusters_forget_task_counts AFTER DELETE ON clusters
  FOR EACH ROW EXECUTE FUNCTION strata_forget_task_counts();

-- The tasks stored before this version, counted once. Creating the triggers
-- took the table's lock, so no write slips in between.
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
