-- Planner statistics for a database that has none yet. Without them SQLite
-- guesses that every index is as selective as the next, and for a task list
-- filtered by service and desired status it may walk the desired-status index
-- (most of a cluster's tasks) instead of the service's one: a count over a
-- cluster of 91,000 tasks took 44 ms instead of 12 ms (docs/benchmarks.md).
--
-- The figures describe a control plane, not this database: 100,000 tasks in
-- 10 clusters, tens of services per cluster, a handful of statuses. Only
-- their proportions matter to the planner. SQLite's documentation describes
-- this use of sqlite_stat1 ("Manual Control Of Query Plans Using SQLITE_STAT
-- Tables"). A later ANALYZE (or PRAGMA optimize) replaces them with measured
-- ones; when the database already has measured ones, they are kept.
ANALYZE sqlite_schema;  -- creates sqlite_stat1 when it does not exist

INSERT INTO sqlite_stat1 (tbl, idx, stat)
SELECT tbl, idx, stat FROM (
  SELECT 'clusters' AS tbl, 'sqlite_autoindex_clusters_1' AS idx, '10 1' AS stat
  UNION ALL SELECT 'clusters', 'clusters_arn_key', '10 1'
  UNION ALL SELECT 'clusters', 'clusters_name_key', '10 1'
  UNION ALL SELECT 'clusters', 'clusters_created_at_id_idx', '10 1 1'
  UNION ALL SELECT 'services', 'sqlite_autoindex_services_1', '1000 1'
  UNION ALL SELECT 'services', 'services_arn_key', '1000 1'
  UNION ALL SELECT 'services', 'services_cluster_arn_name_key', '1000 100 1'
  UNION ALL SELECT 'services', 'services_cluster_arn_created_at_id_idx', '1000 100 1 1'
  UNION ALL SELECT 'services', 'services_cluster_arn_launch_type_idx', '1000 100 50 1 1'
  UNION ALL SELECT 'services', 'services_cluster_arn_status_idx', '1000 100 50 1 1'
  UNION ALL SELECT 'tasks', 'sqlite_autoindex_tasks_1', '100000 1'
  UNION ALL SELECT 'tasks', 'tasks_arn_key', '100000 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_created_at_id_idx', '100000 10000 1 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_task_group_idx', '100000 10000 500 1 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_family_idx', '100000 10000 500 1 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_desired_status_idx', '100000 10000 5000 1 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_last_status_idx', '100000 10000 2000 1 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_launch_type_idx', '100000 10000 5000 1 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_started_by_idx', '100000 10000 500 1 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_container_instance_arn_idx', '100000 10000 100 1 1'
  UNION ALL SELECT 'tasks', 'tasks_cluster_arn_stopped_at_idx', '10000 1000 1'
)
WHERE NOT EXISTS (
  SELECT 1 FROM sqlite_stat1 WHERE sqlite_stat1.tbl IN ('clusters', 'services', 'tasks')
);
