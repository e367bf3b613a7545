-- Tasks. `family` is derived from task_definition_arn by the store, so the
-- family filter is an exact, indexed match. Deleting a cluster deletes them.
CREATE TABLE tasks (
  id text PRIMARY KEY,
  arn text NOT NULL,
  cluster_arn text NOT NULL,
  task_definition_arn text NOT NULL,
  family text NOT NULL,
  container_instance_arn text NOT NULL,
  last_status text NOT NULL,
  desired_status text NOT NULL,
  cpu text NOT NULL,
  memory text NOT NULL,
  task_group text NOT NULL,
  started_by text NOT NULL,
  launch_type text NOT NULL,
  platform_version text NOT NULL,
  platform_family text NOT NULL,
  connectivity text NOT NULL,
  health_status text NOT NULL,
  stop_code text NOT NULL,
  stopped_reason text NOT NULL,
  capacity_provider_name text NOT NULL,
  enable_execute_command boolean NOT NULL DEFAULT false,
  region text NOT NULL,
  account_id text NOT NULL,
  containers json,
  overrides json,
  attachments json,
  attributes json,
  tags json,
  started_at timestamptz,
  stopping_at timestamptz,
  stopped_at timestamptz,
  connectivity_at timestamptz,
  pull_started_at timestamptz,
  pull_stopped_at timestamptz,
  execution_stopped_at timestamptz,
  version bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
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
