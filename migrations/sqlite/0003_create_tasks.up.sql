-- Tasks. `family` is derived from task_definition_arn by the store, so the
-- family filter is an exact, indexed match. Deleting a cluster deletes them.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  cluster_arn TEXT NOT NULL,
  task_definition_arn TEXT NOT NULL,
  family TEXT NOT NULL,
  container_instance_arn TEXT NOT NULL,
  last_status TEXT NOT NULL,
  desired_status TEXT NOT NULL,
  cpu TEXT NOT NULL,
  memory TEXT NOT NULL,
  task_group TEXT NOT NULL,
  started_by TEXT NOT NULL,
  launch_type TEXT NOT NULL,
  platform_version TEXT NOT NULL,
  platform_family TEXT NOT NULL,
  connectivity TEXT NOT NULL,
  health_status TEXT NOT NULL,
  stop_code TEXT NOT NULL,
  stopped_reason TEXT NOT NULL,
  capacity_provider_name TEXT NOT NULL,
  enable_execute_command INTEGER NOT NULL DEFAULT 0 CHECK (enable_execute_command IN (0, 1)),
  region TEXT NOT NULL,
  account_id TEXT NOT NULL,
  containers TEXT CHECK (containers IS NULL OR json_valid(containers)),
  overrides TEXT CHECK (overrides IS NULL OR json_valid(overrides)),
  attachments TEXT CHECK (attachments IS NULL OR json_valid(attachments)),
  attributes TEXT CHECK (attributes IS NULL OR json_valid(attributes)),
  tags TEXT CHECK (tags IS NULL OR json_valid(tags)),
  started_at INTEGER,
  stopping_at INTEGER,
  stopped_at INTEGER,
  connectivity_at INTEGER,
  pull_started_at INTEGER,
  pull_stopped_at INTEGER,
  execution_stopped_at INTEGER,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CONSTRAINT tasks_cluster_arn_fkey FOREIGN KEY (cluster_arn) REFERENCES clusters (arn)
    ON DELETE CASCADE
);
CREATE UNIQUE INDEX tasks_arn_key ON tasks (arn);
-- Keyset order within a cluster, alone and under each filter.
CREATE INDEX tasks_cluster_arn_created_at_id_idx ON tasks (cluster_arn, created_at, id);
CREATE INDEX tasks_cluster_arn_task_group_idx ON tasks (cluster_arn, task_group, created_at, id);
CREATE INDEX tasks_cluster_arn_family_idx ON tasks (cluster_arn, family, created_at, id);
CREATE INDEX tasks_cluster_arn_desired_status_idx ON tasks (cluster_arn, desired_status, created_at, id);
CREATE INDEX tasks_cluster_arn_last_status_idx ON tasks (cluster_arn, last_status, created_at, id);
CREATE INDEX tasks_cluster_arn_launch_type_idx ON tasks (cluster_arn, launch_type, created_at, id);
CREATE INDEX tasks_cluster_arn_started_by_idx ON tasks (cluster_arn, started_by, created_at, id);
CREATE INDEX tasks_cluster_arn_container_instance_arn_idx ON tasks (cluster_arn, container_instance_arn, created_at, id);
-- DeleteStoppedBefore: only stopped tasks are in it.
CREATE INDEX tasks_cluster_arn_stopped_at_idx ON tasks (cluster_arn, stopped_at) WHERE last_status = 'STOPPED';
