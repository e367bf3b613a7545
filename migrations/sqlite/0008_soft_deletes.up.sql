-- Deletes as ECS does them: nothing a control plane deleted disappears at
-- once.
--
-- A deleted cluster moves here, INACTIVE, with its columns as they were;
-- its services and tasks go with the row it leaves. `clusters` keeps the
-- live ones only, so a new cluster can take the name (and so the ARN) of
-- an INACTIVE one while both stay readable; purging removes rows from here
-- by age (updated_at is the deletion time).
CREATE TABLE inactive_clusters (
  id TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  region TEXT NOT NULL,
  account_id TEXT NOT NULL,
  settings TEXT,
  configuration TEXT,
  tags TEXT,
  capacity_providers TEXT,
  default_capacity_provider_strategy TEXT,
  registered_container_instances_count INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX inactive_clusters_name_idx ON inactive_clusters (name, updated_at);
CREATE INDEX inactive_clusters_arn_idx ON inactive_clusters (arn, updated_at);
CREATE INDEX inactive_clusters_created_at_id_idx ON inactive_clusters (created_at, id);
CREATE INDEX inactive_clusters_updated_at_idx ON inactive_clusters (updated_at);

-- A deleted service stays in `services`: DRAINING while tasks of its group
-- are not STOPPED, INACTIVE after. Only the services that are not INACTIVE
-- hold their name and ARN, so a new service can take them.
DROP INDEX services_arn_key;
CREATE UNIQUE INDEX services_arn_key ON services (arn) WHERE status <> 'INACTIVE';
DROP INDEX services_cluster_arn_name_key;
CREATE UNIQUE INDEX services_cluster_arn_name_key ON services (cluster_arn, name)
  WHERE status <> 'INACTIVE';
-- Lookups by name or ARN see the deleted services too (the live one first).
CREATE INDEX services_arn_idx ON services (arn);
CREATE INDEX services_cluster_arn_name_idx ON services (cluster_arn, name);

-- A DRAINING service becomes INACTIVE in the statement that stops (or
-- deletes) the last of its tasks: the counting triggers of 0007 gain a
-- second step, after the count (SQLite runs one writer at a time, so the
-- count it reads is final).
DROP TRIGGER tasks_count_update;
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
  UPDATE services SET status = 'INACTIVE', version = version + 1,
    updated_at = CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
  WHERE cluster_arn = OLD.cluster_arn AND name = substr(OLD.task_group, 9) AND status = 'DRAINING'
    AND OLD.last_status NOT IN ('STOPPED', 'DELETED') AND OLD.task_group LIKE 'service:%'
    AND (SELECT coalesce(sum(running + pending + stopping), 0) FROM task_counts
         WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group) = 0;
END;
DROP TRIGGER tasks_count_delete;
CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks
  WHEN OLD.last_status NOT IN ('STOPPED', 'DELETED')
    AND EXISTS (SELECT 1 FROM clusters WHERE arn = OLD.cluster_arn)
BEGIN
  UPDATE task_counts SET running = running - (OLD.last_status = 'RUNNING'),
    pending = pending - (OLD.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
    stopping = stopping - (OLD.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
  WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group AND shard = 0;
  UPDATE services SET status = 'INACTIVE', version = version + 1,
    updated_at = CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
  WHERE cluster_arn = OLD.cluster_arn AND name = substr(OLD.task_group, 9) AND status = 'DRAINING'
    AND OLD.last_status NOT IN ('STOPPED', 'DELETED') AND OLD.task_group LIKE 'service:%'
    AND (SELECT coalesce(sum(running + pending + stopping), 0) FROM task_counts
         WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group) = 0;
END;
