-- Reverts 0010: inserts are counted by strata_count_tasks again, which
-- still holds the insert branch of 0007 and 0008.
DROP TRIGGER tasks_count_insert ON tasks;
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION strata_count_tasks();
DROP FUNCTION strata_count_task_inserts();
