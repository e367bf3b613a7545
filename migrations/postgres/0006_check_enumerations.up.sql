-- The ECS API's enumerations, spelled exactly, for every writer of these
-- tables (strata checks the same values before it writes: value_rules.cc).
-- NOT VALID: rows stored before this version are neither scanned nor
-- changed (no full-table scan, no long lock); every row written from now on
-- is checked. After fixing old rows, `ALTER TABLE ... VALIDATE CONSTRAINT`
-- makes PostgreSQL vouch for them too.
ALTER TABLE clusters ADD CONSTRAINT clusters_status_check
  CHECK (status IN ('ACTIVE', 'PROVISIONING', 'DEPROVISIONING', 'FAILED', 'INACTIVE')) NOT VALID;
ALTER TABLE services ADD CONSTRAINT services_launch_type_check
  CHECK (launch_type IN ('EC2', 'FARGATE', 'EXTERNAL', '')) NOT VALID;
ALTER TABLE services ADD CONSTRAINT services_status_check
  CHECK (status IN ('ACTIVE', 'DRAINING', 'INACTIVE')) NOT VALID;
ALTER TABLE services ADD CONSTRAINT services_scheduling_strategy_check
  CHECK (scheduling_strategy IN ('REPLICA', 'DAEMON')) NOT VALID;
ALTER TABLE services ADD CONSTRAINT services_propagate_tags_check
  CHECK (propagate_tags IN ('TASK_DEFINITION', 'SERVICE', 'NONE', '')) NOT VALID;
ALTER TABLE tasks ADD CONSTRAINT tasks_last_status_check
  CHECK (last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'DELETED')) NOT VALID;
ALTER TABLE tasks ADD CONSTRAINT tasks_desired_status_check
  CHECK (desired_status IN ('PENDING', 'RUNNING', 'STOPPED')) NOT VALID;
ALTER TABLE tasks ADD CONSTRAINT tasks_launch_type_check
  CHECK (launch_type IN ('EC2', 'FARGATE', 'EXTERNAL', '')) NOT VALID;
ALTER TABLE tasks ADD CONSTRAINT tasks_connectivity_check
  CHECK (connectivity IN ('CONNECTED', 'DISCONNECTED', '')) NOT VALID;
ALTER TABLE tasks ADD CONSTRAINT tasks_health_status_check
  CHECK (health_status IN ('HEALTHY', 'UNHEALTHY', 'UNKNOWN')) NOT VALID;
ALTER TABLE tasks ADD CONSTRAINT tasks_stop_code_check
  CHECK (stop_code IN ('TaskFailedToStart', 'EssentialContainerExited', 'UserInitiated', 'ServiceSchedulerInitiated', 'SpotInterruption', 'TerminationNotice', '')) NOT VALID;
