-- Clusters: ECS's cluster resource. Timestamps are microseconds since the Unix epoch,
-- UTC; JSON columns hold the caller's text unchanged, NULL when empty.
CREATE TABLE clusters (
  id TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  region TEXT NOT NULL,
  account_id TEXT NOT NULL,
  settings TEXT CHECK (settings IS NULL OR json_valid(settings)),
  configuration TEXT CHECK (configuration IS NULL OR json_valid(configuration)),
  tags TEXT CHECK (tags IS NULL OR json_valid(tags)),
  capacity_providers TEXT CHECK (capacity_providers IS NULL OR json_valid(capacity_providers)),
  default_capacity_provider_strategy TEXT CHECK (default_capacity_provider_strategy IS NULL OR json_valid(default_capacity_provider_strategy)),
  registered_container_instances_count INTEGER NOT NULL DEFAULT 0,
  running_tasks_count INTEGER NOT NULL DEFAULT 0,
  pending_tasks_count INTEGER NOT NULL DEFAULT 0,
  active_services_count INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX clusters_arn_key ON clusters (arn);
CREATE UNIQUE INDEX clusters_name_key ON clusters (name);
-- Keyset pagination: ORDER BY created_at, id.
CREATE INDEX clusters_created_at_id_idx ON clusters (created_at, id);
