-- Reverts 0008. Clusters deleted since come back into `clusters` unless a
-- live cluster holds their name or ARN (those, and INACTIVE services whose
-- name a live service holds, are dropped: version 7 has room for one of
-- each name).
-- Version 7's counting functions, without the end of a drain.
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
DROP FUNCTION strata_task_left_service(text, text);
DROP FUNCTION strata_settle_service(text);
DELETE FROM services WHERE status = 'INACTIVE' AND EXISTS (
  SELECT 1 FROM services s WHERE s.id <> services.id
    AND (s.arn = services.arn OR (s.cluster_arn = services.cluster_arn AND s.name = services.name))
    AND (s.status <> 'INACTIVE' OR s.updated_at > services.updated_at
         OR (s.updated_at = services.updated_at AND s.id > services.id)));
DROP INDEX services_cluster_arn_name_idx;
DROP INDEX services_arn_idx;
DROP INDEX services_cluster_arn_name_key;
CREATE UNIQUE INDEX services_cluster_arn_name_key ON services (cluster_arn, name);
DROP INDEX services_arn_key;
CREATE UNIQUE INDEX services_arn_key ON services (arn);
INSERT INTO clusters (id, arn, name, status, region, account_id, settings, configuration, tags,
                      capacity_providers, default_capacity_provider_strategy,
                      registered_container_instances_count, version, created_at, updated_at)
SELECT DISTINCT ON (name) id, arn, name, status, region, account_id, settings, configuration, tags,
       capacity_providers, default_capacity_provider_strategy,
       registered_container_instances_count, version, created_at, updated_at
FROM inactive_clusters i
WHERE NOT EXISTS (SELECT 1 FROM clusters c WHERE c.name = i.name OR c.arn = i.arn)
ORDER BY name, updated_at DESC, id DESC;
DROP TABLE inactive_clusters;
