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
-- deletes) the last of its tasks. Every writer that takes a task of a
-- service out of the live states first holds a key share of the service's
-- row until it commits, so a service delete (which locks the row, then
-- counts) counts after every such writer committed. Writers that stop
-- tasks of a DRAINING service take turns on its row: each counts what the
-- one before it committed, so the last one always sees zero.
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
CREATE FUNCTION strata_finish_draining() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  service_id text;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    FOR service_id IN
      SELECT s.id FROM services s
      WHERE s.status <> 'INACTIVE' AND (s.cluster_arn, 'service:' || s.name) IN (
        SELECT o.cluster_arn, o.task_group FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.last_status NOT IN ('STOPPED', 'DELETED')
          AND (n.last_status IN ('STOPPED', 'DELETED') OR n.task_group <> o.task_group
               OR n.cluster_arn <> o.cluster_arn))
      ORDER BY s.id FOR KEY SHARE
    LOOP
      PERFORM strata_settle_service(service_id);
    END LOOP;
  ELSE
    FOR service_id IN
      SELECT s.id FROM services s
      WHERE s.status <> 'INACTIVE' AND (s.cluster_arn, 'service:' || s.name) IN (
        SELECT cluster_arn, task_group FROM old_rows
        WHERE last_status NOT IN ('STOPPED', 'DELETED'))
      ORDER BY s.id FOR KEY SHARE
    LOOP
      PERFORM strata_settle_service(service_id);
    END LOOP;
  END IF;
  RETURN NULL;
END
$$;
-- Named to fire after tasks_count_* (triggers fire in name order).
CREATE TRIGGER tasks_drain_update AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION strata_finish_draining();
CREATE TRIGGER tasks_drain_delete AFTER DELETE ON tasks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION strata_finish_draining();
