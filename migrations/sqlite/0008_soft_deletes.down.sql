-- Reverts 0008. Clusters deleted since come back into `clusters` unless a
-- live cluster holds their name or ARN (those, and INACTIVE services whose
-- name a live service holds, are dropped: version 7 has room for one of
-- each name).
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
END;
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
SELECT id, arn, name, status, region, account_id, settings, configuration, tags,
       capacity_providers, default_capacity_provider_strategy,
       registered_container_instances_count, version, created_at, updated_at
FROM inactive_clusters i
WHERE NOT EXISTS (SELECT 1 FROM clusters c WHERE c.name = i.name OR c.arn = i.arn)
  AND NOT EXISTS (SELECT 1 FROM inactive_clusters n WHERE (n.name = i.name OR n.arn = i.arn)
                  AND (n.updated_at > i.updated_at OR (n.updated_at = i.updated_at AND n.id > i.id)));
DROP TABLE inactive_clusters;
