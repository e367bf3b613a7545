-- Reverts 0006: the enumeration CHECKs go; the data is untouched.
ALTER TABLE tasks DROP CONSTRAINT tasks_stop_code_check;
ALTER TABLE tasks DROP CONSTRAINT tasks_health_status_check;
ALTER TABLE tasks DROP CONSTRAINT tasks_connectivity_check;
ALTER TABLE tasks DROP CONSTRAINT tasks_launch_type_check;
ALTER TABLE tasks DROP CONSTRAINT tasks_desired_status_check;
ALTER TABLE tasks DROP CONSTRAINT tasks_last_status_check;
ALTER TABLE services DROP CONSTRAINT services_propagate_tags_check;
ALTER TABLE services DROP CONSTRAINT services_scheduling_strategy_check;
ALTER TABLE services DROP CONSTRAINT services_status_check;
ALTER TABLE services DROP CONSTRAINT services_launch_type_check;
ALTER TABLE clusters DROP CONSTRAINT clusters_status_check;
