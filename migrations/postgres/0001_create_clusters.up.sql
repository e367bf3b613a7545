-- Clusters: ECS's cluster resource. JSON columns are `json`, not `jsonb`: validated by
-- the server and returned byte-identical; NULL when empty.
CREATE TABLE clusters (
  id text PRIMARY KEY,
  arn text NOT NULL,
  name text NOT NULL,
  status text NOT NULL,
  region text NOT NULL,
  account_id text NOT NULL,
  settings json,
  configuration json,
  tags json,
  capacity_providers json,
  default_capacity_provider_strategy json,
  registered_container_instances_count bigint NOT NULL DEFAULT 0,
  running_tasks_count bigint NOT NULL DEFAULT 0,
  pending_tasks_count bigint NOT NULL DEFAULT 0,
  active_services_count bigint NOT NULL DEFAULT 0,
  version bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX clusters_arn_key ON clusters (arn);
CREATE UNIQUE INDEX clusters_name_key ON clusters (name);
-- Keyset pagination: ORDER BY created_at, id.
CREATE INDEX clusters_created_at_id_idx ON clusters (created_at, id);
