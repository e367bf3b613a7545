// `strata cluster|service|task` as operators run them: the real binary on
// each backend, its JSON, its tables, its exit codes and its errors.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "environment.h"
#include "strata/migrator.h"
#include "strata_cli.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* kTaskDefinition = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3";

class ResourceCliTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    Migrator::Open(options())->Up();
  }

  // Runs the CLI on this test's database; the URL comes from the environment,
  // as in a deployment manifest. `env` entries are added after (and so win).
  CommandResult Strata(std::vector<std::string> args, std::vector<std::string> env = {}) {
    env.insert(env.begin(), {"STRATA_STORAGE=" + std::string(BackendName(backend())),
                             "STRATA_DATABASE_URL=" + options().url});
    return RunStrata(std::move(args), env);
  }

  // `--output json ARGS`, which must succeed; its stdout parsed.
  json Json(std::vector<std::string> args) {
    args.insert(args.begin(), {"--output", "json"});
    const CommandResult run = Strata(args);
    EXPECT_EQ(run.exit_code, 0) << ::testing::PrintToString(args) << "\n" << run.output;
    EXPECT_EQ(run.err, "") << "nothing on stderr when all is well";
    return json::parse(run.out, nullptr, false);
  }

  // A failing command: its exit code, and one line on stderr.
  void ExpectFailure(const std::vector<std::string>& args, int code, const std::string& text) {
    const CommandResult run = Strata(args);
    EXPECT_EQ(run.exit_code, code) << ::testing::PrintToString(args) << "\n" << run.output;
    EXPECT_THAT(run.err, HasSubstr(text)) << ::testing::PrintToString(args);
    EXPECT_TRUE(run.err.starts_with("strata: ")) << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
    EXPECT_EQ(run.out, "") << "nothing on stdout on failure";
  }

  std::int64_t Count(const std::string& table) {
    return db().QueryInt("SELECT count(*) FROM " + table);
  }
};

// RFC 3339, UTC, microseconds.
const std::regex kTimestamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");

TEST_P(ResourceCliTest, ClusterCreateGetUpdateDelete) {
  const json created = Json({"cluster", "create", "prod", "--tags", R"({"env": "prod"})"});
  EXPECT_EQ(created["name"], "prod");
  EXPECT_EQ(created["arn"], "arn:aws:ecs:us-east-1:000000000000:cluster/prod");
  EXPECT_EQ(created["status"], "ACTIVE");
  EXPECT_EQ(created["version"], 1);
  EXPECT_EQ(created["tags"], json({{"env", "prod"}})) << "JSON fields are embedded as JSON";
  EXPECT_TRUE(created["settings"].is_null()) << "an absent JSON field is null";
  EXPECT_TRUE(std::regex_match(created["created_at"].get<std::string>(), kTimestamp))
      << created["created_at"];
  EXPECT_EQ(created["id"].get<std::string>().size(), 32u);

  EXPECT_EQ(Json({"cluster", "get", "prod"}), created);
  EXPECT_EQ(Json({"cluster", "get", created["arn"]}), created) << "by ARN";

  ExpectFailure({"cluster", "create", "prod"}, 4, "already exists");
  ExpectFailure({"cluster", "update", "prod", "--status", "FAILED", "--expected-version", "7"}, 4,
                "changed by someone else");
  EXPECT_EQ(Json({"cluster", "get", "prod"})["status"], "ACTIVE")
      << "a refused update writes nothing";
  ExpectFailure({"cluster", "update", "prod", "--status", "INACTIVE"}, 2,
                "set by deleting the cluster");

  const json updated =
      Json({"cluster", "update", "prod", "--status", "FAILED", "--expected-version", "1"});
  EXPECT_EQ(updated["status"], "FAILED");
  EXPECT_EQ(updated["version"], 2);
  EXPECT_EQ(updated["tags"], created["tags"]) << "fields not given are kept";
  EXPECT_EQ(Json({"cluster", "update", "prod", "--tags", "[]"})["version"], 3)
      << "without --expected-version the current version is used";

  // People get a field per line.
  const CommandResult table = Strata({"cluster", "get", "prod"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("\nstatus    "));
  EXPECT_THAT(table.out, HasSubstr("FAILED\n"));

  const json deleted = Json({"cluster", "delete", "prod"});
  EXPECT_EQ(deleted["deleted"], created["arn"]);
  EXPECT_EQ(deleted["status"], "INACTIVE");
  EXPECT_EQ(Json({"cluster", "get", "prod"})["status"], "INACTIVE") << "still shown";
  EXPECT_TRUE(Json({"cluster", "list"})["items"].empty()) << "listed on request only";
  EXPECT_EQ(Json({"cluster", "list", "--include-inactive"})["items"].size(), 1u);
  ExpectFailure({"cluster", "delete", "prod"}, 3, "cluster not found");
  ExpectFailure({"cluster", "update", "prod", "--status", "ACTIVE"}, 3, "cluster not found");
  ExpectFailure({"task", "list", "--cluster", "prod"}, 3, "cluster is INACTIVE (deleted)");
  ExpectFailure({"service", "get", "--cluster", "prod", "web"}, 3, "cluster is INACTIVE");
  ExpectFailure({"cluster", "purge", "--older-than", "7 days"}, 2, "a unit, ms, s, m, h or d");
  ExpectFailure({"cluster", "purge"}, 2, "needs --older-than");
  EXPECT_EQ(Json({"cluster", "purge", "--older-than", "1h"})["purged"], 0) << "deleted just now";
  const CommandResult purged = Strata({"cluster", "purge", "--older-than", "0s"});
  EXPECT_EQ(purged.exit_code, 0);
  EXPECT_EQ(purged.out, "purged 1 INACTIVE cluster\n");
  ExpectFailure({"cluster", "get", "prod"}, 3, "cluster not found");
}

TEST_P(ResourceCliTest, ServicesByClusterWithFilters) {
  Json({"cluster", "create", "prod"});
  const json web = Json({"service", "create", "--cluster", "prod", "web", "--task-definition",
                         kTaskDefinition, "--desired-count", "2", "--launch-type", "FARGATE"});
  EXPECT_EQ(web["arn"], "arn:aws:ecs:us-east-1:000000000000:service/prod/web");
  EXPECT_EQ(web["cluster_arn"], "arn:aws:ecs:us-east-1:000000000000:cluster/prod");
  EXPECT_EQ(web["desired_count"], 2);
  EXPECT_EQ(web["launch_type"], "FARGATE");
  Json({"service", "create", "--cluster", "prod", "worker", "--task-definition", kTaskDefinition});

  const json fargate = Json({"service", "list", "--cluster", "prod", "--launch-type", "FARGATE"});
  ASSERT_EQ(fargate["items"].size(), 1u);
  EXPECT_EQ(fargate["items"][0]["name"], "web");
  EXPECT_EQ(fargate["next_token"], "");
  EXPECT_EQ(Json({"service", "list", "--cluster", "prod"})["items"].size(), 2u);

  const json scaled =
      Json({"service", "update", "--cluster", "prod", "web", "--desired-count", "5"});
  EXPECT_EQ(scaled["desired_count"], 5);
  EXPECT_EQ(scaled["version"], 2);
  EXPECT_EQ(Json({"service", "get", "--cluster", "prod", "web"}), scaled);

  ExpectFailure(
      {"service", "create", "--cluster", "prod", "web", "--task-definition", kTaskDefinition}, 4,
      "already exists");
  ExpectFailure(
      {"service", "create", "--cluster", "nope", "api", "--task-definition", kTaskDefinition}, 3,
      "cluster not found");
  ExpectFailure({"service", "create", "--cluster", "prod", "api"}, 2, "needs --task-definition");
  ExpectFailure({"service", "get", "--cluster", "prod", "api"}, 3, "service not found");
  ExpectFailure({"service", "get", "--cluster", "nope", "web"}, 3, "cluster not found");
  ExpectFailure({"service", "update", "--cluster", "prod", "web"}, 2, "needs --desired-count");

  const json deleted = Json({"service", "delete", "--cluster", "prod", "worker"});
  EXPECT_EQ(deleted["deleted"], "arn:aws:ecs:us-east-1:000000000000:service/prod/worker");
  EXPECT_EQ(deleted["status"], "INACTIVE") << "no tasks to drain";
  EXPECT_EQ(Json({"service", "list", "--cluster", "prod"})["items"].size(), 1u);
  EXPECT_EQ(Json({"service", "list", "--cluster", "prod", "--include-inactive"})["items"].size(),
            2u);
  EXPECT_EQ(Json({"service", "get", "--cluster", "prod", "worker"})["status"], "INACTIVE");
  ExpectFailure({"service", "delete", "--cluster", "prod", "worker"}, 3, "service not found");
}

TEST_P(ResourceCliTest, TasksRunListStopCountDelete) {
  Json({"cluster", "create", "prod"});
  const json run = Json({"task", "run", "--cluster", "prod", "--task-definition", kTaskDefinition,
                         "--count", "3", "--group", "service:web", "--started-by", "deploy-1",
                         "--cpu", "256", "--memory", "512"});
  ASSERT_EQ(run["items"].size(), 3u);
  EXPECT_EQ(run["next_token"], "");
  for (const json& task : run["items"]) {
    EXPECT_EQ(task["group"], "service:web");
    EXPECT_EQ(task["started_by"], "deploy-1");
    EXPECT_EQ(task["last_status"], "PROVISIONING");
    EXPECT_EQ(task["desired_status"], "RUNNING");
    EXPECT_EQ(task["cpu"], "256");
    EXPECT_TRUE(task["stopped_at"].is_null());
  }
  const json single = Json({"task", "run", "--cluster", "prod", "--task-definition",
                            "arn:aws:ecs:us-east-1:000000000000:task-definition/batch:1"});
  ASSERT_EQ(single["items"].size(), 1u);
  EXPECT_EQ(single["items"][0]["group"], "family:batch") << "ECS's default group";
  EXPECT_EQ(Count("tasks"), 4);

  EXPECT_EQ(Json({"task", "list", "--cluster", "prod", "--service", "web"})["items"].size(), 3u);
  EXPECT_EQ(Json({"task", "list", "--cluster", "prod", "--family", "batch"})["items"].size(), 1u);
  if (backend() == Backend::kPostgres) {
    // Reads through a read URL (here the same server: it has every write).
    EXPECT_EQ(Json({"--read-database-url", options().url, "task", "list", "--cluster", "prod",
                    "--family", "batch"})["items"]
                  .size(),
              1u);
  }
  EXPECT_EQ(Json({"task", "list", "--cluster", "prod", "--started-by", "deploy-1",
                  "--desired-status", "RUNNING"})["items"]
                .size(),
            3u);

  const std::string id = run["items"][0]["id"];
  const json stopped = Json({"task", "stop", "--cluster", "prod", id, "--reason", "scaling down"});
  EXPECT_EQ(stopped["desired_status"], "STOPPED");
  EXPECT_EQ(stopped["last_status"], "STOPPED");
  EXPECT_EQ(stopped["stopped_reason"], "scaling down");
  EXPECT_EQ(stopped["stop_code"], "UserInitiated");
  ASSERT_TRUE(stopped["stopped_at"].is_string());
  EXPECT_TRUE(std::regex_match(stopped["stopped_at"].get<std::string>(), kTimestamp));
  EXPECT_EQ(stopped["version"], 2);
  EXPECT_EQ(Json({"task", "stop", "--cluster", "prod", run["items"][0]["arn"]}), stopped)
      << "stopping a stopped task changes nothing";

  EXPECT_EQ(Json({"task", "count", "--cluster", "prod", "--desired-status", "RUNNING"})["count"],
            3);
  EXPECT_EQ(
      Json({"task", "list", "--cluster", "prod", "--last-status", "STOPPED"})["items"][0]["id"],
      id);
  EXPECT_EQ(Json({"task", "get", "--cluster", "prod", id}), stopped);

  EXPECT_EQ(Json({"task", "delete", "--cluster", "prod", id})["deleted"], stopped["arn"]);
  ExpectFailure({"task", "get", "--cluster", "prod", id}, 3, "task not found");
  ExpectFailure({"task", "stop", "--cluster", "prod", id}, 3, "task not found");
  ExpectFailure({"task", "get", "--cluster", "nope", id}, 3, "cluster not found");
  ExpectFailure(
      {"task", "run", "--cluster", "prod", "--task-definition", kTaskDefinition, "--count", "0"}, 2,
      "--count must be an integer from 1 to 1000");
  EXPECT_EQ(Count("tasks"), 3);
}

TEST_P(ResourceCliTest, TaskUpdateMovesALifecycleForwardOnly) {
  Json({"cluster", "create", "prod"});
  const json run = Json({"task", "run", "--cluster", "prod", "--task-definition", kTaskDefinition});
  const std::string id = run["items"][0]["id"];
  const json running = Json({"task", "update", "--cluster", "prod", id, "--last-status", "RUNNING",
                             "--health-status", "HEALTHY"});
  EXPECT_EQ(running["last_status"], "RUNNING");
  EXPECT_EQ(running["health_status"], "HEALTHY");
  EXPECT_TRUE(running["started_at"].is_string());
  EXPECT_EQ(running["version"], 2);
  ExpectFailure({"task", "update", "--cluster", "prod", id, "--last-status", "PENDING"}, 4,
                "task is RUNNING and cannot go back to PENDING");
  ExpectFailure({"task", "update", "--cluster", "prod", id}, 2, "needs --last-status");
  const json stopped =
      Json({"task", "update", "--cluster", "prod", id, "--last-status", "STOPPED"});
  EXPECT_EQ(stopped["desired_status"], "STOPPED");
  EXPECT_TRUE(stopped["stopped_at"].is_string());
  EXPECT_EQ(Json({"task", "get", "--cluster", "prod", id})["version"], 3);
}

TEST_P(ResourceCliTest, ListsPageWithTokensAndAllFollowsThem) {
  for (int i = 0; i < 7; ++i) Json({"cluster", "create", "c" + std::to_string(i)});
  std::vector<std::string> names;
  std::string token;
  int calls = 0;
  do {
    std::vector<std::string> args = {"cluster", "list", "--limit", "3"};
    if (!token.empty()) args.insert(args.end(), {"--next-token", token});
    const json page = Json(args);
    for (const json& c : page["items"]) names.push_back(c["name"]);
    token = page["next_token"];
    ++calls;
  } while (!token.empty());
  EXPECT_EQ(calls, 3);
  EXPECT_THAT(names, ::testing::ElementsAre("c0", "c1", "c2", "c3", "c4", "c5", "c6"));

  const json all = Json({"cluster", "list", "--limit", "3", "--all"});
  EXPECT_EQ(all["items"].size(), 7u);
  EXPECT_EQ(all["next_token"], "");

  // A table keeps stdout to rows; the token is a hint on stderr.
  const CommandResult table = Strata({"cluster", "list", "--limit", "2"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_TRUE(table.out.starts_with("NAME  STATUS")) << table.out;
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 3) << table.out;
  EXPECT_THAT(table.err, HasSubstr("--next-token "));

  ExpectFailure({"cluster", "list", "--next-token", "bm90LWEtdG9rZW4"}, 2, "invalid page token");
  ExpectFailure({"cluster", "list", "--limit", "1001"}, 2, "--limit must be");
}

TEST_P(ResourceCliTest, UsageErrorsNameTheFixAndChangeNothing) {
  Json({"cluster", "create", "prod"});
  ExpectFailure({"cluster", "create"}, 2, "cluster create needs NAME");
  ExpectFailure({"cluster", "create", "a", "b"}, 2, "too many positional");
  ExpectFailure({"cluster", "frobnicate"}, 2, "unknown cluster subcommand 'frobnicate'");
  ExpectFailure({"cluster"}, 2, "cluster needs a subcommand");
  ExpectFailure({"task", "list"}, 2, "task list needs --cluster");
  ExpectFailure({"task", "list", "--cluster", "prod", "--colour", "red"}, 2, "colour");
  ExpectFailure({"cluster", "create", "x", "--tags", "{not json"}, 2, "JSON");
  ExpectFailure({"cluster", "create", "bad/name"}, 2, "'/'");
  ExpectFailure({"cluster", "update", "prod"}, 2, "needs --status or --tags");
  // The hint names the verb's own help.
  EXPECT_THAT(Strata({"task", "list"}).err, HasSubstr("Run 'strata task list --help'"));
  EXPECT_THAT(Strata({"task"}).err, HasSubstr("Run 'strata task --help'"));
  EXPECT_EQ(Count("clusters"), 1);
}

TEST_P(ResourceCliTest, AnUnmigratedDatabaseExitsFiveUnlessAutoMigrate) {
  db().DropAll();
  ExpectFailure({"cluster", "list"}, 5, "strata migrate up");
  EXPECT_THAT(Strata({"cluster", "list"}).err, HasSubstr("--auto-migrate"));
  EXPECT_TRUE(db().Tables().empty()) << "nothing written without --auto-migrate";
  const json created = Json({"--auto-migrate", "cluster", "create", "prod"});
  EXPECT_EQ(created["version"], 1);
  EXPECT_EQ(Json({"cluster", "list"})["items"].size(), 1u);
}

TEST_P(ResourceCliTest, FlagsWinOverTheEnvironment) {
  Json({"cluster", "create", "prod"});
  // STRATA_OUTPUT=json, unless --output says otherwise.
  const CommandResult env_json = Strata({"cluster", "list"}, {"STRATA_OUTPUT=json"});
  EXPECT_TRUE(json::parse(env_json.out, nullptr, false).is_object()) << env_json.out;
  const CommandResult flag_table =
      Strata({"--output", "table", "cluster", "list"}, {"STRATA_OUTPUT=json"});
  EXPECT_TRUE(flag_table.out.starts_with("NAME")) << flag_table.out;
  // A broken STRATA_DATABASE_URL is never used when --database-url is given.
  const std::string broken =
      backend() == Backend::kSqlite ? "/nonexistent/dir/x.db" : "postgresql://nobody@127.0.0.1:1/x";
  EXPECT_NE(Strata({"cluster", "list"}, {"STRATA_DATABASE_URL=" + broken}).exit_code, 0);
  const CommandResult flag_url =
      Strata({"--database-url", options().url, "--output", "json", "cluster", "list"},
             {"STRATA_DATABASE_URL=" + broken});
  EXPECT_EQ(flag_url.exit_code, 0) << flag_url.output;
  EXPECT_EQ(json::parse(flag_url.out)["items"].size(), 1u);
  // Global options may also follow the command, as with the AWS CLI.
  const CommandResult after = Strata(
      {"cluster", "list", "--output", "json", "--database-url=" + options().url, "--limit", "5"},
      {"STRATA_DATABASE_URL=" + broken});
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(json::parse(after.out, nullptr, false)["items"].size(), 1u) << after.out;
}

TEST_P(ResourceCliTest, ConnectionFailuresExitSixWithoutThePassword) {
  if (backend() == Backend::kSqlite) {
    ExpectFailure({"--database-url", "/nonexistent/dir/x.db", "cluster", "list"}, 6, "x.db");
    return;
  }
  // Nothing listens on port 1; and a role the real server does not know.
  ExpectFailure({"--database-url", "postgresql://app:s3cr3t-pw@127.0.0.1:1/ecs", "cluster", "list"},
                6, "cannot connect to PostgreSQL");
  std::string url = options().url;
  url = std::regex_replace(url, std::regex(R"(user=\S+)"), "");
  const std::vector<std::string> urls = {"postgresql://app:s3cr3t-pw@127.0.0.1:1/ecs",
                                         url + " user=no_such_role password=s3cr3t-pw"};
  for (const std::string& u : urls) {
    const CommandResult run = Strata({"--database-url", u, "cluster", "list"});
    EXPECT_EQ(run.exit_code, 6) << run.output;
    EXPECT_THAT(run.output, Not(HasSubstr("s3cr3t-pw")));
    EXPECT_THAT(run.err, HasSubstr("***")) << "the password is shown masked";
  }
}

TEST_P(ResourceCliTest, HelpAtEveryLevelIsEnoughToUseTheTool) {
  const CommandResult top = Strata({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* text : {"cluster create|get|list|update|delete", "task run|get|list|count|stop",
                           "service create"}) {
    EXPECT_THAT(top.out, HasSubstr(text));
  }
  const CommandResult task = Strata({"task", "--help"});
  EXPECT_EQ(task.exit_code, 0);
  for (const char* verb : {"run", "get", "list", "count", "stop", "delete"}) {
    EXPECT_THAT(task.out, HasSubstr(std::string("\n  ") + verb + " "));
  }
  const CommandResult list = Strata({"task", "list", "--help"});
  EXPECT_EQ(list.exit_code, 0);
  for (const char* flag : {"--cluster", "--service", "--family", "--desired-status",
                           "--last-status", "--launch-type", "--started-by", "--container-instance",
                           "--limit", "--next-token", "--all", "Examples:", "Exit codes"}) {
    EXPECT_THAT(list.out, HasSubstr(flag));
  }
  EXPECT_EQ(Strata({"task", "list", "--help"}, {"STRATA_DATABASE_URL=/nonexistent/x.db"}).exit_code,
            0)
      << "help never opens the database";
}

STRATA_BACKEND_TEST_SUITE(ResourceCliTest);

}  // namespace
}  // namespace strata::testing
