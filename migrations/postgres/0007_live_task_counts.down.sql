-- Reverts 0007: the counter columns come back holding the counts as they
-- are now (from then on nothing keeps them); the triggers and their table go.
ALTER TABLE clusters ADD COLUMN running_tasks_count bigint NOT NULL DEFAULT 0;
ALTER TABLE clusters ADD COLUMN pending_tasks_count bigint NOT NULL DEFAULT 0;
ALTER TABLE clusters ADD COLUMN active_services_count bigint NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN running_count bigint NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN pending_count bigint NOT NULL DEFAULT 0;
UPDATE clusters SET
  running_tasks_count = (SELECT coalesce(sum(running), 0) FROM task_counts t WHERE t.cluster_arn = clusters.arn),
  pending_tasks_count = (SELECT coalesce(sum(pending), 0) FROM task_counts t WHERE t.cluster_arn = clusters.arn),
  active_services_count = (SELECT count(*) FROM services s WHERE s.cluster_arn = clusters.arn AND s.status = 'ACTIVE');
UPDATE services SET
  running_count = (SELECT coalesce(sum(running), 0) FROM task_counts t WHERE t.cluster_arn = services.cluster_arn AND t.task_group = 'service:' || services.name),
  pending_count = (SELECT coalesce(sum(pending), 0) FROM task_counts t WHERE t.cluster_arn = services.cluster_arn AND t.task_group = 'service:' || services.name);
DROP TRIGGER clusters_forget_task_counts ON clusters;
DROP FUNCTION strata_forget_task_counts();
DROP TRIGGER tasks_count_delete ON tasks;
DROP TRIGGER tasks_count_update ON tasks;
DROP TRIGGER tasks_count_insert ON tasks;
DROP FUNCTION strata_count_task_move();
DROP FUNCTION strata_count_tasks();
DROP FUNCTION strata_add_task_counts(text, text, bigint, bigint, bigint);
DROP TABLE task_counts;
