-- Reverts 0009: the triggers as 0006, 0007 and 0008 left them.
DROP TRIGGER clusters_check_enumerations_insert;
CREATE TRIGGER clusters_check_enumerations_insert BEFORE INSERT ON clusters
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: clusters_status_check')
    WHERE NEW.status NOT IN ('ACTIVE', 'PROVISIONING', 'DEPROVISIONING', 'FAILED', 'INACTIVE');
END;
DROP TRIGGER clusters_check_enumerations_update;
CREATE TRIGGER clusters_check_enumerations_update BEFORE UPDATE OF status ON clusters
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: clusters_status_check')
    WHERE NEW.status NOT IN ('ACTIVE', 'PROVISIONING', 'DEPROVISIONING', 'FAILED', 'INACTIVE');
END;
DROP TRIGGER services_check_enumerations_insert;
CREATE TRIGGER services_check_enumerations_insert BEFORE INSERT ON services
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_launch_type_check')
    WHERE NEW.launch_type NOT IN ('EC2', 'FARGATE', 'EXTERNAL', '');
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_status_check')
    WHERE NEW.status NOT IN ('ACTIVE', 'DRAINING', 'INACTIVE');
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_scheduling_strategy_check')
    WHERE NEW.scheduling_strategy NOT IN ('REPLICA', 'DAEMON');
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_propagate_tags_check')
    WHERE NEW.propagate_tags NOT IN ('TASK_DEFINITION', 'SERVICE', 'NONE', '');
END;
DROP TRIGGER services_check_enumerations_update;
CREATE TRIGGER services_check_enumerations_update BEFORE UPDATE OF launch_type, status, scheduling_strategy, propagate_tags ON services
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_launch_type_check')
    WHERE NEW.launch_type NOT IN ('EC2', 'FARGATE', 'EXTERNAL', '');
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_status_check')
    WHERE NEW.status NOT IN ('ACTIVE', 'DRAINING', 'INACTIVE');
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_scheduling_strategy_check')
    WHERE NEW.scheduling_strategy NOT IN ('REPLICA', 'DAEMON');
  SELECT RAISE(ABORT, 'CHECK constraint failed: services_propagate_tags_check')
    WHERE NEW.propagate_tags NOT IN ('TASK_DEFINITION', 'SERVICE', 'NONE', '');
END;
DROP TRIGGER tasks_check_enumerations_insert;
CREATE TRIGGER tasks_check_enumerations_insert BEFORE INSERT ON tasks
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_last_status_check')
    WHERE NEW.last_status NOT IN ('PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'DELETED');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_desired_status_check')
    WHERE NEW.desired_status NOT IN ('PENDING', 'RUNNING', 'STOPPED');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_launch_type_check')
    WHERE NEW.launch_type NOT IN ('EC2', 'FARGATE', 'EXTERNAL', '');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_connectivity_check')
    WHERE NEW.connectivity NOT IN ('CONNECTED', 'DISCONNECTED', '');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_health_status_check')
    WHERE NEW.health_status NOT IN ('HEALTHY', 'UNHEALTHY', 'UNKNOWN');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_stop_code_check')
    WHERE NEW.stop_code NOT IN ('TaskFailedToStart', 'EssentialContainerExited', 'UserInitiated', 'ServiceSchedulerInitiated', 'SpotInterruption', 'TerminationNotice', '');
END;
DROP TRIGGER tasks_check_enumerations_update;
CREATE TRIGGER tasks_check_enumerations_update BEFORE UPDATE OF last_status, desired_status, launch_type, connectivity, health_status, stop_code ON tasks
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_last_status_check')
    WHERE NEW.last_status NOT IN ('PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'DELETED');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_desired_status_check')
    WHERE NEW.desired_status NOT IN ('PENDING', 'RUNNING', 'STOPPED');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_launch_type_check')
    WHERE NEW.launch_type NOT IN ('EC2', 'FARGATE', 'EXTERNAL', '');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_connectivity_check')
    WHERE NEW.connectivity NOT IN ('CONNECTED', 'DISCONNECTED', '');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_health_status_check')
    WHERE NEW.health_status NOT IN ('HEALTHY', 'UNHEALTHY', 'UNKNOWN');
  SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_stop_code_check')
    WHERE NEW.stop_code NOT IN ('TaskFailedToStart', 'EssentialContainerExited', 'UserInitiated', 'ServiceSchedulerInitiated', 'SpotInterruption', 'TerminationNotice', '');
END;
DROP TRIGGER tasks_count_insert;
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks
  WHEN NEW.last_status NOT IN ('STOPPED', 'DELETED')
BEGIN
  INSERT INTO task_counts (cluster_arn, task_group, shard, running, pending, stopping)
  VALUES (NEW.cluster_arn, NEW.task_group, 0, NEW.last_status = 'RUNNING',
          NEW.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING'),
          NEW.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
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
    pending = pending - (OLD.last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
    stopping = stopping - (OLD.last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING'))
  WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group AND shard = 0;
  UPDATE services SET status = 'INACTIVE', version = version + 1,
    updated_at = CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
  WHERE cluster_arn = OLD.cluster_arn AND name = substr(OLD.task_group, 9) AND status = 'DRAINING'
    AND OLD.last_status NOT IN ('STOPPED', 'DELETED') AND OLD.task_group LIKE 'service:%'
    AND (SELECT coalesce(sum(running + pending + stopping), 0) FROM task_counts
         WHERE cluster_arn = OLD.cluster_arn AND task_group = OLD.task_group) = 0;
END;
