-- Services, unique per (cluster, name); deleting a cluster deletes them.
CREATE TABLE services (
  id text PRIMARY KEY,
  arn text NOT NULL,
  name text NOT NULL,
  cluster_arn text NOT NULL,
  task_definition_arn text NOT NULL,
  desired_count bigint NOT NULL DEFAULT 0,
  running_count bigint NOT NULL DEFAULT 0,
  pending_count bigint NOT NULL DEFAULT 0,
  launch_type text NOT NULL,
  platform_version text NOT NULL,
  status text NOT NULL,
  role_arn text NOT NULL,
  scheduling_strategy text NOT NULL,
  propagate_tags text NOT NULL,
  enable_ecs_managed_tags boolean NOT NULL DEFAULT false,
  enable_execute_command boolean NOT NULL DEFAULT false,
  health_check_grace_period_seconds bigint NOT NULL DEFAULT 0,
  region text NOT NULL,
  account_id text NOT NULL,
  load_balancers json,
  service_registries json,
  network_configuration json,
  deployment_configuration json,
  placement_constraints json,
  placement_strategy json,
  capacity_provider_strategy json,
  tags json,
  version bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT services_cluster_arn_fkey FOREIGN KEY (cluster_arn) REFERENCES clusters (arn)
    ON DELETE CASCADE
);
CREATE UNIQUE INDEX services_arn_key ON services (arn);
CREATE UNIQUE INDEX services_cluster_arn_name_key ON services (cluster_arn, name);
-- Keyset order within a cluster, alone and under each filter.
CREATE INDEX services_cluster_arn_created_at_id_idx ON services (cluster_arn, created_at, id);
CREATE INDEX services_cluster_arn_launch_type_idx ON services (cluster_arn, launch_type, created_at, id);
CREATE INDEX services_cluster_arn_status_idx ON services (cluster_arn, status, created_at, id);
