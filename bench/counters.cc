// The counting triggers switched off, and the naive design switched on, for
// counters_bench (counters.h).
#include "counters.h"

#include <stdexcept>

namespace strata::bench {
namespace {

constexpr const char* kNames[] = {
    // PostgreSQL, then SQLite.
    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'tasks'::regclass AND tgname LIKE "
    "'tasks\\_count\\_%' ORDER BY tgname",
    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tasks' AND name LIKE "
    "'tasks\\_count\\_%' ESCAPE '\\' ORDER BY name"};
constexpr const char* kDefinitions[] = {
    "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'tasks'::regclass AND tgname "
    "LIKE 'tasks\\_count\\_%' ORDER BY tgname",
    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tasks' AND name LIKE "
    "'tasks\\_count\\_%' ESCAPE '\\' ORDER BY name"};

}  // namespace

TriggersOff::TriggersOff(Raw& raw, Backend backend) : raw_(raw) {
  const int b = backend == Backend::kPostgres ? 0 : 1;
  names_ = raw_.Texts(kNames[b]);
  definitions_ = raw_.Texts(kDefinitions[b]);
  if (names_.size() != 3 || definitions_.size() != 3) {
    throw std::runtime_error("expected the 3 counting triggers of migration 0007 on tasks");
  }
  for (const std::string& name : names_) {
    raw_.Exec(("DROP TRIGGER " + name + (b == 0 ? " ON tasks" : "")).c_str());
  }
}

TriggersOff::~TriggersOff() {
  for (const std::string& definition : definitions_) raw_.Exec(definition.c_str());
}

CountersOnRows::CountersOnRows(Raw& raw) : raw_(raw) {
  raw_.Exec(R"sql(
ALTER TABLE clusters ADD COLUMN naive_running bigint NOT NULL DEFAULT 0,
  ADD COLUMN naive_pending bigint NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN naive_running bigint NOT NULL DEFAULT 0,
  ADD COLUMN naive_pending bigint NOT NULL DEFAULT 0;
CREATE FUNCTION bench_naive_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.last_status = NEW.last_status AND OLD.cluster_arn = NEW.cluster_arn
     AND OLD.task_group IS NOT DISTINCT FROM NEW.task_group THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' AND OLD.last_status IN ('RUNNING', 'PROVISIONING', 'PENDING', 'ACTIVATING')
  THEN
    UPDATE clusters SET naive_running = naive_running - (OLD.last_status = 'RUNNING')::int,
      naive_pending = naive_pending - (OLD.last_status <> 'RUNNING')::int
    WHERE arn = OLD.cluster_arn;
    UPDATE services SET naive_running = naive_running - (OLD.last_status = 'RUNNING')::int,
      naive_pending = naive_pending - (OLD.last_status <> 'RUNNING')::int
    WHERE cluster_arn = OLD.cluster_arn AND OLD.task_group LIKE 'service:%'
      AND name = substr(OLD.task_group, 9);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.last_status IN ('RUNNING', 'PROVISIONING', 'PENDING', 'ACTIVATING')
  THEN
    UPDATE clusters SET naive_running = naive_running + (NEW.last_status = 'RUNNING')::int,
      naive_pending = naive_pending + (NEW.last_status <> 'RUNNING')::int
    WHERE arn = NEW.cluster_arn;
    UPDATE services SET naive_running = naive_running + (NEW.last_status = 'RUNNING')::int,
      naive_pending = naive_pending + (NEW.last_status <> 'RUNNING')::int
    WHERE cluster_arn = NEW.cluster_arn AND NEW.task_group LIKE 'service:%'
      AND name = substr(NEW.task_group, 9);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_naive_count AFTER INSERT OR UPDATE OR DELETE ON tasks
  FOR EACH ROW EXECUTE FUNCTION bench_naive_count();
)sql");
}

CountersOnRows::~CountersOnRows() {
  raw_.Exec(R"sql(
DROP TRIGGER tasks_naive_count ON tasks;
DROP FUNCTION bench_naive_count();
ALTER TABLE clusters DROP COLUMN naive_running, DROP COLUMN naive_pending;
ALTER TABLE services DROP COLUMN naive_running, DROP COLUMN naive_pending;
)sql");
}

}  // namespace strata::bench
