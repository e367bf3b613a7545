-- Services, unique per (cluster, name); deleting a cluster deletes them.
CREATE TABLE services (
  id TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  name TEXT NOT NULL,
  cluster_arn TEXT NOT NULL,
  task_definition_arn TEXT NOT NULL,
  desired_count INTEGER NOT NULL DEFAULT 0,
  running_count INTEGER NOT NULL DEFAULT 0,
  pending_count INTEGER NOT NULL DEFAULT 0,
  launch_type TEXT NOT NULL,
  platform_version TEXT NOT NULL,
  status TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  scheduling_strategy TEXT NOT NULL,
  propagate_tags TEXT NOT NULL,
  enable_ecs_managed_tags INTEGER NOT NULL DEFAULT 0 CHECK (enable_ecs_managed_tags IN (0, 1)),
  enable_execute_command INTEGER NOT NULL DEFAULT 0 CHECK (enable_execute_command IN (0, 1)),
  health_check_grace_period_seconds INTEGER NOT NULL DEFAULT 0,
  region TEXT NOT NULL,
  account_id TEXT NOT NULL,
  load_balancers TEXT CHECK (load_balancers IS NULL OR json_valid(load_balancers)),
  service_registries TEXT CHECK (service_registries IS NULL OR json_valid(service_registries)),
  network_configuration TEXT CHECK (network_configuration IS NULL OR json_valid(network_configuration)),
  deployment_configuration TEXT CHECK (deployment_configuration IS NULL OR json_valid(deployment_configuration)),
  placement_constraints TEXT CHECK (placement_constraints IS NULL OR json_valid(placement_constraints)),
  placement_strategy TEXT CHECK (placement_strategy IS NULL OR json_valid(placement_strategy)),
  capacity_provider_strategy TEXT CHECK (capacity_provider_strategy IS NULL OR json_valid(capacity_provider_strategy)),
  tags TEXT CHECK (tags IS NULL OR json_valid(tags)),
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CONSTRAINT services_cluster_arn_fkey FOREIGN KEY (cluster_arn) REFERENCES clusters (arn)
    ON DELETE CASCADE
);
CREATE UNIQUE INDEX services_arn_key ON services (arn);
CREATE UNIQUE INDEX services_cluster_arn_name_key ON services (cluster_arn, name);
-- Keyset order within a cluster, alone and under each filter.
CREATE INDEX services_cluster_arn_created_at_id_idx ON services (cluster_arn, created_at, id);
CREATE INDEX services_cluster_arn_launch_type_idx ON services (cluster_arn, launch_type, created_at, id);
CREATE INDEX services_cluster_arn_status_idx ON services (cluster_arn, status, created_at, id);
