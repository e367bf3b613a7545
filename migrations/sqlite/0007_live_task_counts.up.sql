-- The store owns the live counters of clusters and services (ECS's
-- running/pending task counts). Each task that is not STOPPED or DELETED
-- counts in `task_counts`, kept by triggers in the same transaction as every
-- write of `tasks` (inserts, upserts, updates, deletes and the cascade of a
-- cluster delete), whoever writes. SQLite has one writer at a time, so every
-- count lives in shard 0 (PostgreSQL spreads concurrent writers over 16).
-- The cluster and service columns that callers could set, and that nothing
-- kept, are dropped: the store computes them on every read.
CREATE TABLE task_counts (
  cluster_arn TEXT NOT NULL,
  task_group TEXT NOT NULL,
  shard INTEGER NOT NULL,
  running INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  stopping INTEGER NOT NULL,
  PRIMARY KEY (cluster_arn, task_group, shard)
) WITHOUT ROWID;

-- RUNNING counts as running; PROVISIONING, PENDING and ACTIVATING as
-- pending; DEACTIVATING, STOPPING and DEPROVISIONING as stopping.
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks
  WHEN NEW.last_status NOT IN ('STOPPED', 'DELETED')
BEGIN
  INSERT INTO task_counts (cluster_arn, task_group, shard, running, pending, stopping)
  VALUES (NEW.cluster_arn, NEW.task_group, 0, NEW.last_status = 'RUNNING',
          NEW.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'),
          NEW.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
  ON CONFLICT (cluster_arn, task_group, shard) DO UPDATE SET
    running = running + excluded.running, pending = pending + excluded.pending,
    stopping = stopping + excluded.stopping;
END;
CREATE TRIGGER tasks_count_update AFTER UPDATE OF last_status, cluster_arn, task_group ON tasks
  WHEN OLD.last_status IS NOT NEW.last_status OR OLD.cluster_arn IS NOT NEW.cluster_arn
    OR OLD.task_group IS NOT NEW.task_group
BEGIN
  UPDATE task_counts SET running = running - (OLD.last_status = 'RUNNING'),
    pending = pending - (OLD.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
    stopping = stopping - (OLD.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
  WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group AND shard = 0
    AND OLD.last_status NOT IN ('STOPPED', 'DELETED');
  INSERT INTO task_counts (cluster_arn, task_group, shard, running, pending, stopping)
  SELECT NEW.cluster_arn, NEW.task_group, 0, NEW.last_status = 'RUNNING',
         NEW.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'),
         NEW.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING')
  WHERE NEW.last_status NOT IN ('STOPPED', 'DELETED')
  ON CONFLICT (cluster_arn, task_group, shard) DO UPDATE SET
    running = running + excluded.running, pending = pending + excluded.pending,
    stopping = stopping + excluded.stopping;
END;
-- Tasks deleted with their cluster (the cascade) are not counted: the
-- cluster's counts go with it, by the trigger on clusters below.
CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks
  WHEN OLD.last_status NOT IN ('STOPPED', 'DELETED')
    AND EXISTS (SELECT 1 FROM clusters WHERE arn = OLD.cluster_arn)
BEGIN
  UPDATE task_counts SET running = running - (OLD.last_status = 'RUNNING'),
    pending = pending - (OLD.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
    stopping = stopping - (OLD.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
  WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group AND shard = 0;
END;

-- A deleted cluster's counts go with it, so a cluster made again under the
-- same ARN starts from zero.
CREATE TRIGGER clusters_forget_task_counts AFTER DELETE ON clusters
BEGIN
  DELETE FROM task_counts WHERE cluster_arn = OLD.arn;
END;

-- The tasks stored before this version, counted once.
INSERT INTO task_counts (cluster_arn, task_group, shard, running, pending, stopping)
SELECT cluster_arn, task_group, 0, sum(last_status = 'RUNNING'),
       sum(last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
       sum(last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
FROM tasks WHERE last_status NOT IN ('STOPPED', 'DELETED')
GROUP BY cluster_arn, task_group;

ALTER TABLE clusters DROP COLUMN running_tasks_count;
ALTER TABLE clusters DROP COLUMN pending_tasks_count;
ALTER TABLE clusters DROP COLUMN active_services_count;
ALTER TABLE services DROP COLUMN running_count;
ALTER TABLE services DROP COLUMN pending_count;
