-- Deletes as ECS does them: nothing a control plane deleted disappears at
-- once.
--
-- A deleted cluster moves here, INACTIVE, with its columns as they were;
-- its services and tasks go with the row it leaves. `clusters` keeps the
-- live ones only, so a new cluster can take the name (and so the ARN) of
-- an INACTIVE one while both stay readable; purging removes rows from here
-- by age (updated_at is the deletion time).
CREATE TABLE inactive_clusters (
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
  version bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
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

-- A DRAINING service becomes INACTIVE in the transaction that stops (or
-- deletes) the last of its tasks, whoever writes: the counting triggers of
-- version 7 call strata_task_left_service after counting a task of a service
-- that left the live states. That writer holds a key share of the service's
-- row until it commits, so a service delete (which locks the row, then
-- counts in a later statement) counts after every such writer committed.
-- Writers that stop tasks of a DRAINING service take turns on its row (FOR
-- NO KEY UPDATE, which does not conflict with the key shares), each counting
-- after its lock what the one before it committed: the last sees zero.
CREATE FUNCTION strata_settle_service(service_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM services WHERE id = service_id AND status = 'DRAINING' FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  UPDATE services s SET status = 'INACTIVE', version = s.version + 1, updated_at = clock_timestamp()
  WHERE s.id = service_id
    AND (SELECT coalesce(sum(c.running + c.pending + c.stopping), 0) FROM task_counts c
         WHERE c.cluster_arn = s.cluster_arn AND c.task_group = 'service:' || s.name) = 0;
END
$$;
CREATE FUNCTION strata_task_left_service(left_cluster text, left_group text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  service_id text;
BEGIN
  SELECT id INTO service_id FROM services
  WHERE cluster_arn = left_cluster AND name = substr(left_group, 9) AND status <> 'INACTIVE'
  FOR KEY SHARE;
  IF FOUND THEN
    PERFORM strata_settle_service(service_id);
  END IF;
END
$$;
CREATE OR REPLACE FUNCTION strata_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
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
    PERFORM strata_task_left_service(cluster_arn, task_group)
    FROM (SELECT DISTINCT cluster_arn, task_group FROM old_rows
          WHERE last_status NOT IN ('STOPPED', 'DELETED') AND task_group LIKE 'service:%'
            AND EXISTS (SELECT 1 FROM clusters c WHERE c.arn = old_rows.cluster_arn)
          ORDER BY cluster_arn, task_group) AS left_live;
  END IF;
  RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION strata_count_task_move() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF OLD.last_status NOT IN ('STOPPED', 'DELETED') AND NEW.last_status IN ('STOPPED', 'DELETED')
       AND OLD.task_group LIKE 'service:%' THEN
      PERFORM strata_task_left_service(OLD.cluster_arn, OLD.task_group);
    END IF;
    RETURN NULL;
  END IF;
  IF OLD.last_status NOT IN ('STOPPED', 'DELETED') THEN
    PERFORM strata_add_task_counts(OLD.cluster_arn, OLD.task_group,
              -(OLD.last_status = 'RUNNING')::int,
              -(OLD.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'))::int,
              -(OLD.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))::int);
    IF OLD.task_group LIKE 'service:%' THEN
      PERFORM strata_task_left_service(OLD.cluster_arn, OLD.task_group);
    END IF;
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
