-- Reverts 0008. Clusters deleted since come back into `clusters` unless a
-- live cluster holds their name or ARN (those, and INACTIVE services whose
-- name a live service holds, are dropped: version 7 has room for one of
-- each name).
DROP TRIGGER tasks_drain_delete ON tasks;
DROP TRIGGER tasks_drain_update ON tasks;
DROP FUNCTION strata_finish_draining();
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
