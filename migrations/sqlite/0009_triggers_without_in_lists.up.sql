-- SQLite runs `x IN (a, b, c)` over three or more constants through a
-- temporary b-tree of the list, built once per statement: in a trigger,
-- once per row, with a page cache of its own allocated and freed each
-- time. The checks of 0006 and the counters of 0007 and 0008 did that up
-- to eight times for every task written (in a small process, glibc then
-- handed the freed memory back to the kernel and took it again, row after
-- row). The same triggers, each list spelled as comparisons; what they
-- accept, refuse and count is unchanged. Lists of two constants were
-- already compared directly and stay as they are.
DROP TRIGGER clusters_check_enumerations_insert;
CREATE TRIGGER clusters_check_enumerations_insert BEFORE INSERT ON clusters
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: clusters_status_check')
    WHERE NEW.status <> 'ACTIVE' AND NEW.status <> 'PROVISIONING'
      AND NEW.status <> 'DEPROVISIONING' AND NEW.status <> 'FAILED' AND NEW.status <> 'INACTIVE';
END;
DROP TRIGGER clusters_check_enumerations_update;
CREATE TRIGGER clusters_check_enumerations_update BEFORE UPDATE OF status ON clusters
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: clusters_status_check')
    WHERE NEW.status <> 'ACTIVE' AND NEW.status <> 'PROVISIONING'
      AND NEW.status <> 'DEPROVISIONING' AND NEW.status <> 'FAILED' AND NEW.status <> 'INACTIVE';
END;
DROP TRIGGER services_check_enumerations_insert;
CREATE TRIGGER services_check_enumerations_insert BEFORE INSERT ON services
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_launch_type_check')
    WHERE NEW.launch_type <> 'EC2' AND NEW.launch_type <> 'FARGATE'
      AND NEW.launch_type <> 'EXTERNAL' AND NEW.launch_type <> '';
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_status_check')
    WHERE NEW.status <> 'ACTIVE' AND NEW.status <> 'DRAINING' AND NEW.status <> 'INACTIVE';
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_scheduling_strategy_check')
    WHERE NEW.scheduling_strategy NOT IN ('REPLICA', 'DAEMON');
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_propagate_tags_check')
    WHERE NEW.propagate_tags <> 'TASK_DEFINITION' AND NEW.propagate_tags <> 'SERVICE'
      AND NEW.propagate_tags <> 'NONE' AND NEW.propagate_tags <> '';
END;
DROP TRIGGER services_check_enumerations_update;
CREATE TRIGGER services_check_enumerations_update BEFORE UPDATE OF launch_type, status, scheduling_strategy, propagate_tags ON services
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_launch_type_check')
    WHERE NEW.launch_type <> 'EC2' AND NEW.launch_type <> 'FARGATE'
      AND NEW.launch_type <> 'EXTERNAL' AND NEW.launch_type <> '';
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_status_check')
    WHERE NEW.status <> 'ACTIVE' AND NEW.status <> 'DRAINING' AND NEW.status <> 'INACTIVE';
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_scheduling_strategy_check')
    WHERE NEW.scheduling_strategy NOT IN ('REPLICA', 'DAEMON');
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_propagate_tags_check')
    WHERE NEW.propagate_tags <> 'TASK_DEFINITION' AND NEW.propagate_tags <> 'SERVICE'
      AND NEW.propagate_tags <> 'NONE' AND NEW.propagate_tags <> '';
END;
DROP TRIGGER tasks_check_enumerations_insert;
CREATE TRIGGER tasks_check_enumerations_insert BEFORE INSERT ON tasks
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_last_status_check')
    WHERE NEW.last_status <> 'PROVISIONING' AND NEW.last_status <> 'PENDING'
      AND NEW.last_status <> 'ACTIVATING' AND NEW.last_status <> 'RUNNING'
      AND NEW.last_status <> 'DEACTIVATING' AND NEW.last_status <> 'STOPPING'
      AND NEW.last_status <> 'DEPROVISIONING' AND NEW.last_status <> 'STOPPED'
      AND NEW.last_status <> 'DELETED';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_desired_status_check')
    WHERE NEW.desired_status <> 'PENDING' AND NEW.desired_status <> 'RUNNING'
      AND NEW.desired_status <> 'STOPPED';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_launch_type_check')
    WHERE NEW.launch_type <> 'EC2' AND NEW.launch_type <> 'FARGATE'
      AND NEW.launch_type <> 'EXTERNAL' AND NEW.launch_type <> '';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_connectivity_check')
    WHERE NEW.connectivity <> 'CONNECTED' AND NEW.connectivity <> 'DISCONNECTED'
      AND NEW.connectivity <> '';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_health_status_check')
    WHERE NEW.health_status <> 'HEALTHY' AND NEW.health_status <> 'UNHEALTHY'
      AND NEW.health_status <> 'UNKNOWN';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_stop_code_check')
    WHERE NEW.stop_code <> 'TaskFailedToStart' AND NEW.stop_code <> 'EssentialContainerExited'
      AND NEW.stop_code <> 'UserInitiated' AND NEW.stop_code <> 'ServiceSchedulerInitiated'
      AND NEW.stop_code <> 'SpotInterruption' AND NEW.stop_code <> 'TerminationNotice'
      AND NEW.stop_code <> '';
END;
DROP TRIGGER tasks_check_enumerations_update;
CREATE TRIGGER tasks_check_enumerations_update BEFORE UPDATE OF last_status, desired_status, launch_type, connectivity, health_status, stop_code ON tasks
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_last_status_check')
    WHERE NEW.last_status <> 'PROVISIONING' AND NEW.last_status <> 'PENDING'
      AND NEW.last_status <> 'ACTIVATING' AND NEW.last_status <> 'RUNNING'
      AND NEW.last_status <> 'DEACTIVATING' AND NEW.last_status <> 'STOPPING'
      AND NEW.last_status <> 'DEPROVISIONING' AND NEW.last_status <> 'STOPPED'
      AND NEW.last_status <> 'DELETED';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_desired_status_check')
    WHERE NEW.desired_status <> 'PENDING' AND NEW.desired_status <> 'RUNNING'
      AND NEW.desired_status <> 'STOPPED';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_launch_type_check')
    WHERE NEW.launch_type <> 'EC2' AND NEW.launch_type <> 'FARGATE'
      AND NEW.launch_type <> 'EXTERNAL' AND NEW.launch_type <> '';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_connectivity_check')
    WHERE NEW.connectivity <> 'CONNECTED' AND NEW.connectivity <> 'DISCONNECTED'
      AND NEW.connectivity <> '';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_health_status_check')
    WHERE NEW.health_status <> 'HEALTHY' AND NEW.health_status <> 'UNHEALTHY'
      AND NEW.health_status <> 'UNKNOWN';
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_stop_code_check')
    WHERE NEW.stop_code <> 'TaskFailedToStart' AND NEW.stop_code <> 'EssentialContainerExited'
      AND NEW.stop_code <> 'UserInitiated' AND NEW.stop_code <> 'ServiceSchedulerInitiated'
      AND NEW.stop_code <> 'SpotInterruption' AND NEW.stop_code <> 'TerminationNotice'
      AND NEW.stop_code <> '';
END;
DROP TRIGGER tasks_count_insert;
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks
  WHEN NEW.last_status NOT IN ('STOPPED', 'DELETED')
BEGIN
  INSERT INTO task_counts (cluster_arn, task_group, shard, running, pending, stopping)
  VALUES (NEW.cluster_arn, NEW.task_group, 0, NEW.last_status = 'RUNNING',
          (NEW.last_status = 'PROVISIONING' OR NEW.last_status = 'PENDING'
           OR NEW.last_status = 'ACTIVATING'),
          (NEW.last_status = 'DEACTIVATING' OR NEW.last_status = 'STOPPING'
           OR NEW.last_status = 'DEPROVISIONING'))
  ON CONFLICT (cluster_arn, task_group, shard) DO UPDATE SET
    running = running + excluded.running, pending = pending + excluded.pending,
    stopping = stopping + excluded.stopping;
END;
DROP TRIGGER tasks_count_update;
CREATE TRIGGER tasks_count_update AFTER UPDATE OF last_status, cluster_arn, task_group ON tasks
  WHEN OLD.last_status IS NOT NEW.last_status OR OLD.cluster_arn IS NOT NEW.cluster_arn
    OR OLD.task_group IS NOT NEW.task_group
BEGIN
  UPDATE task_counts SET running = running - (OLD.last_status = 'RUNNING'),
    pending = pending - (OLD.last_status = 'PROVISIONING' OR OLD.last_status = 'PENDING'
                         OR OLD.last_status = 'ACTIVATING'),
    stopping = stopping - (OLD.last_status = 'DEACTIVATING' OR OLD.last_status = 'STOPPING'
                           OR OLD.last_status = 'DEPROVISIONING')
  WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group AND shard = 0
    AND OLD.last_status NOT IN ('STOPPED', 'DELETED');
  INSERT INTO task_counts (cluster_arn, task_group, shard, running, pending, stopping)
  SELECT NEW.cluster_arn, NEW.task_group, 0, NEW.last_status = 'RUNNING',
         (NEW.last_status = 'PROVISIONING' OR NEW.last_status = 'PENDING'
          OR NEW.last_status = 'ACTIVATING'),
         (NEW.last_status = 'DEACTIVATING' OR NEW.last_status = 'STOPPING'
          OR NEW.last_status = 'DEPROVISIONING')
  WHERE NEW.last_status NOT IN ('STOPPED', 'DELETED')
  ON CONFLICT (cluster_arn, task_group, shard) DO UPDATE SET
    running = running + excluded.running, pending = pending + excluded.pending,
    stopping = stopping + excluded.stopping;
  UPDATE services SET status = 'INACTIVE', version = version + 1,
    updated_at = CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
  WHERE cluster_arn = OLD.cluster_arn AND name = substr(OLD.task_group, 9) AND status = 'DRAINING'
    AND OLD.last_status NOT IN ('STOPPED', 'DELETED') AND OLD.task_group LIKE 'service:%'
    AND (SELECT coalesce(sum(running + pending + stopping), 0) FROM task_counts
         WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group) = 0;
END;
DROP TRIGGER tasks_count_delete;
CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks
  WHEN OLD.last_status NOT IN ('STOPPED', 'DELETED')
    AND EXISTS (SELECT 1 FROM clusters WHERE arn = OLD.cluster_arn)
BEGIN
  UPDATE task_counts SET running = running - (OLD.last_status = 'RUNNING'),
    pending = pending - (OLD.last_status = 'PROVISIONING' OR OLD.last_status = 'PENDING'
                         OR OLD.last_status = 'ACTIVATING'),
    stopping = stopping - (OLD.last_status = 'DEACTIVATING' OR OLD.last_status = 'STOPPING'
                           OR OLD.last_status = 'DEPROVISIONING')
  WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group AND shard = 0;
  UPDATE services SET status = 'INACTIVE', version = version + 1,
    updated_at = CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
  WHERE cluster_arn = OLD.cluster_arn AND name = substr(OLD.task_group, 9) AND status = 'DRAINING'
    AND OLD.last_status NOT IN ('STOPPED', 'DELETED') AND OLD.task_group LIKE 'service:%'
    AND (SELECT coalesce(sum(running + pending + stopping), 0) FROM task_counts
         WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group) = 0;
END;
