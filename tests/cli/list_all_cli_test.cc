// `strata ... list --all`, which prints each page as it arrives
// (cli::ListPrinter): the real binary on each backend. Streaming must not
// change what is printed: the JSON is the one document of every item, the
// table has every row, and its columns are as wide as the first page needs.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "environment.h"
#include "strata/migrator.h"
#include "strata/store.h"
#include "strata_cli.h"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::ordered_json;

class ListAllCliTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    Migrator::Open(options())->Up();
    store_ = Store::Open(options());
    Cluster cluster;
    cluster.name = "prod";
    store_->clusters().Create(cluster);
  }

  // Tasks in cluster prod, one per `started_by`, created one after the
  // other (so that a list has them in this order).
  std::vector<Task> CreateTasks(const std::vector<std::string>& started_by) {
    std::vector<Task> tasks;
    for (const std::string& by : started_by) {
      Task t;
      t.cluster_arn = "prod";
      t.task_definition_arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:3";
      t.started_by = by;
      tasks.push_back(store_->tasks().Create(t));
    }
    return tasks;
  }

  // The CLI on this test's database.
  CommandResult Run(std::vector<std::string> args) {
    return RunStrata(std::move(args), {"STRATA_STORAGE=" + std::string(BackendName(backend())),
                                       "STRATA_DATABASE_URL=" + options().url});
  }

  // Its stdout; it must succeed with nothing on stderr.
  std::string Out(std::vector<std::string> args) {
    const CommandResult run = Run(std::move(args));
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.err, "") << run.output;
    return run.out;
  }

  std::unique_ptr<Store> store_;
};

TEST_P(ListAllCliTest, JsonOfAllPagesIsTheOneDocumentOfEveryItem) {
  const std::vector<Task> tasks = CreateTasks({"a", "b", "c", "d", "e", "f", "g"});
  const std::string streamed =
      Out({"--output", "json", "task", "list", "--cluster", "prod", "--limit", "3", "--all"});
  // Byte for byte the document of one page that holds every task.
  EXPECT_EQ(streamed,
            Out({"--output", "json", "task", "list", "--cluster", "prod", "--limit", "1000"}));
  // ... and the concatenation of the pages fetched one by one.
  json items = json::array();
  std::string token;
  int pages = 0;
  do {
    std::vector<std::string> args = {"--output",  "json", "task",    "list",
                                     "--cluster", "prod", "--limit", "3"};
    if (!token.empty()) args.insert(args.end(), {"--next-token", token});
    const json page = json::parse(Out(args));
    for (const json& item : page["items"]) items.push_back(item);
    token = page["next_token"];
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(items.size(), tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) EXPECT_EQ(items[i]["id"], tasks[i].id);
  EXPECT_EQ(streamed, json({{"items", items}, {"next_token", ""}}).dump(2) + "\n");
}

TEST_P(ListAllCliTest, JsonOfAnEmptyListIsTheEmptyDocument) {
  const std::string empty = "{\n  \"items\": [],\n  \"next_token\": \"\"\n}\n";
  EXPECT_EQ(Out({"--output", "json", "task", "list", "--cluster", "prod", "--all"}), empty);
  EXPECT_EQ(Out({"--output", "json", "task", "list", "--cluster", "prod"}), empty);
  EXPECT_EQ(Out({"task", "list", "--cluster", "prod", "--all"}),
            "ID  LAST STATUS  DESIRED  GROUP  STARTED BY  TASK DEFINITION  CREATED\n")
      << "a table of no rows is its header";
}

TEST_P(ListAllCliTest, TableOfAllPagesHasEveryRowInTheFirstPagesWidths) {
  // The third page has a cell wider than any before it.
  const std::string wide = "a-started-by-wider-than-any-before";
  const std::vector<Task> tasks = CreateTasks({"a", "bb", "c", "d", "e", "f", wide});
  const std::string table = Out({"task", "list", "--cluster", "prod", "--limit", "3", "--all"});
  std::vector<std::string> lines;
  for (std::size_t from = 0, end; (end = table.find('\n', from)) != std::string::npos;
       from = end + 1) {
    lines.push_back(table.substr(from, end - from));
  }
  ASSERT_EQ(lines.size(), tasks.size() + 1) << table;
  EXPECT_TRUE(lines[0].starts_with("ID  ")) << table;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    EXPECT_TRUE(lines[i + 1].starts_with(tasks[i].id + "  ")) << "row " << i << ": " << table;
  }
  EXPECT_THAT(lines.back(), HasSubstr("  " + wide + "  ")) << "a wide cell is never cut";
  // The first page is printed as that page alone prints: the widths are its own.
  const CommandResult first = Run({"task", "list", "--cluster", "prod", "--limit", "3"});
  EXPECT_THAT(first.err, HasSubstr("--next-token ")) << "a hint on stderr";
  const std::string& first_page = first.out;
  EXPECT_TRUE(table.starts_with(first_page)) << table << "\nfirst page alone:\n" << first_page;
  // Rows of the same widths line up across pages.
  const std::size_t column = lines[1].find("web:3");
  ASSERT_NE(column, std::string::npos);
  for (std::size_t i = 2; i + 1 < lines.size(); ++i) {
    EXPECT_EQ(lines[i].find("web:3"), column) << table;
  }
}

STRATA_BACKEND_TEST_SUITE(ListAllCliTest);

}  // namespace
}  // namespace strata::testing
