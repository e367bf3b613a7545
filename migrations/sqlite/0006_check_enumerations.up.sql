-- The ECS API's enumerations, spelled exactly, for every writer of these
-- tables (strata checks the same values before it writes: value_rules.cc).
-- SQLite cannot add a CHECK constraint to an existing table without
-- rebuilding it (a copy of every task row and of its ten indexes), so each
-- table gets a BEFORE INSERT and a BEFORE UPDATE trigger that refuses the
-- row as a CHECK would, with SQLite's own wording ("CHECK constraint
-- failed: ..."). Rows stored before this version are neither scanned nor
-- changed; an UPDATE of one that sets a listed column is checked.
CREATE TRIGGER clusters_check_enumerations_insert BEFORE INSERT ON clusters
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: clusters_status_check')
    WHERE NEW.status NOT IN ('ACTIVE', 'PROVISIONING', 'DEPROVISIONING', 'FAILED', 'INACTIVE');
END;
CREATE TRIGGER clusters_check_enumerations_update BEFORE UPDATE OF status ON clusters
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: clusters_status_check')
    WHERE NEW.status NOT IN ('ACTIVE', 'PROVISIONING', 'DEPROVISIONING', 'FAILED', 'INACTIVE');
END;
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
