#include "migrate/migration_set.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include "strata/error.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

// The message of the SchemaError that `build` throws, or "" if none.
template <typename Build>
std::string SchemaErrorOf(const Build& build) {
  try {
    build();
  } catch (const SchemaError& e) {
    return e.what();
  }
  return "";
}

TEST(MigrationFileNameTest, ParsesVersionNameAndDirection) {
  const ParsedFileName up = ParseMigrationFileName("0001_create_clusters.up.sql");
  EXPECT_EQ(up.version, 1);
  EXPECT_EQ(up.name, "create_clusters");
  EXPECT_TRUE(up.up);
  const ParsedFileName down = ParseMigrationFileName("20261121093000_add_index_2.down.sql");
  EXPECT_EQ(down.version, 20261121093000);
  EXPECT_EQ(down.name, "add_index_2");
  EXPECT_FALSE(down.up);
}

TEST(MigrationFileNameTest, MalformedNamesSayWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0001_create.sql", "neither .up.sql nor .down.sql"},
      {"create_clusters.up.sql", "is not a positive integer"},
      {"_create.up.sql", "no version"},
      {"0000_zero.up.sql", "is not a positive integer"},
      {"-1_negative.up.sql", "is not a positive integer"},
      {"99999999999999999999_big.up.sql", "too large"},
      {"0001_.up.sql", "the name is empty"},
      {"0001_Create-Clusters.up.sql", "characters other than a-z"},
      {"0001.up.sql", "no version"},
  };
  for (const auto& [name, why] : cases) {
    const std::string error = SchemaErrorOf([&] { ParseMigrationFileName(name); });
    EXPECT_NE(error.find("'" + name + "'"), std::string::npos) << error;
    EXPECT_NE(error.find(why), std::string::npos) << name << ": " << error;
  }
}

TEST(MigrationSetTest, SortsByVersionAndPairsDowns) {
  const auto set = BuildMigrationSet({{"10_third.up.sql", "C"},
                                      {"2_second.up.sql", "B"},
                                      {"2_second.down.sql", "b"},
                                      {"1_first.up.sql", "A"},
                                      {"README.md", "not a migration"}},
                                     "migrations/sqlite");
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set[0].version, 1);
  EXPECT_EQ(set[1].version, 2);
  EXPECT_EQ(set[2].version, 10);
  EXPECT_EQ(set[1].down_sql(), "b");
  EXPECT_EQ(set[1].down_file, "migrations/sqlite/2_second.down.sql");
  EXPECT_FALSE(set[0].down_file.has_value());
  EXPECT_EQ(set[0].up_file, "migrations/sqlite/1_first.up.sql");
  EXPECT_EQ(set[0].checksum.size(), 64u);
}

TEST(MigrationSetTest, InvalidSetsNameTheFiles) {
  EXPECT_NE(SchemaErrorOf([] {
              BuildMigrationSet({{"1_a.up.sql", "SELECT 1;"}, {"0001_b.up.sql", "SELECT 1;"}}, "m");
            }).find("duplicate migration version 1: m/1_a.up.sql and m/0001_b.up.sql"),
            std::string::npos);
  EXPECT_NE(SchemaErrorOf([] {
              BuildMigrationSet({{"0003_c.down.sql", ""}}, "m");
            }).find("'m/0003_c.down.sql' is a down without an up: add 0003_c.up.sql or remove it"),
            std::string::npos)
      << "the hint keeps the version as written";
  for (const char* blank : {"", " \n\t\r\n"}) {
    EXPECT_NE(SchemaErrorOf([&] {
                BuildMigrationSet({{"0007_x.up.sql", blank}}, "m");
              }).find("'m/0007_x.up.sql' is empty: write its SQL, or remove the file"),
              std::string::npos);
  }
  EXPECT_NE(SchemaErrorOf([] {
              BuildMigrationSet({{"3_c.up.sql", "SELECT 1;"}, {"3_d.down.sql", ""}}, "m");
            }).find("share version 3 but not a name"),
            std::string::npos);
  EXPECT_NE(SchemaErrorOf([] {
              BuildMigrationSet({{"3_C.up.sql", "SELECT 1;"}}, "m");
            }).find("m: "),
            std::string::npos);
}

TEST(MigrationSetTest, NoTransactionAnnotationOnTheFirstLineOnly) {
  const auto set = BuildMigrationSet(
      {{"1_a.up.sql", "-- strata:no-transaction\r\nCREATE INDEX CONCURRENTLY i ON t (x);"},
       {"2_b.up.sql", "CREATE TABLE t (x int);\n-- strata:no-transaction\n"},
       {"3_c.up.sql", "-- strata:no-transaction  \n"},
       {"1_a.down.sql", "-- strata:no-transaction\r\nDROP INDEX CONCURRENTLY i;"},
       {"2_b.down.sql", "-- strata:no-transactional\nDROP TABLE t;"}},
      "m");
  EXPECT_FALSE(set[0].transactional);
  EXPECT_TRUE(set[1].transactional);
  EXPECT_FALSE(set[2].transactional);
  // Down files follow the same rule: the whole first line is the annotation.
  EXPECT_FALSE(set[0].down_transactional());
  EXPECT_TRUE(set[1].down_transactional());
  EXPECT_TRUE(set[2].down_transactional()) << "no down file";
}

class MigrationDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/strata-migrations-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& relative, const std::string& content) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative, std::ios::binary) << content;
  }
  fs::path root_;
};

TEST_F(MigrationDirectoryTest, LoadsTheSelectedBackendsSet) {
  Write("sqlite/0001_create_things.up.sql", "CREATE TABLE things (id INTEGER);");
  Write("sqlite/0001_create_things.down.sql", "DROP TABLE things;");
  Write("postgres/0001_create_things.up.sql", "CREATE TABLE things (id bigint);");
  const auto sqlite = LoadMigrationDirectory(root_.string(), Backend::kSqlite);
  ASSERT_EQ(sqlite.size(), 1u);
  EXPECT_EQ(sqlite[0].up_sql, "CREATE TABLE things (id INTEGER);");
  EXPECT_EQ(sqlite[0].down_sql(), "DROP TABLE things;");
  const auto postgres = LoadMigrationDirectory(root_.string(), Backend::kPostgres);
  ASSERT_EQ(postgres.size(), 1u);
  EXPECT_EQ(postgres[0].up_sql, "CREATE TABLE things (id bigint);");
  EXPECT_FALSE(postgres[0].down_file.has_value());

  StoreOptions options;
  options.migrations_dir = root_.string();
  EXPECT_EQ(LoadMigrations(options).size(), 1u);
}

TEST_F(MigrationDirectoryTest, MissingBackendDirectoryIsASchemaError) {
  Write("sqlite/0001_a.up.sql", "");
  const std::string error =
      SchemaErrorOf([&] { LoadMigrationDirectory(root_.string(), Backend::kPostgres); });
  EXPECT_NE(error.find((root_ / "postgres").string() + "' does not exist"), std::string::npos)
      << error;
}

TEST_F(MigrationDirectoryTest, BadFileNameInADirectoryNamesItsPath) {
  Write("sqlite/1_Bad.up.sql", "");
  const std::string error =
      SchemaErrorOf([&] { LoadMigrationDirectory(root_.string(), Backend::kSqlite); });
  EXPECT_NE(error.find((root_ / "sqlite").string()), std::string::npos) << error;
  EXPECT_NE(error.find("'1_Bad.up.sql'"), std::string::npos) << error;
}

TEST_F(MigrationDirectoryTest, UpFilesAreReadWholeAndDownFilesOnFirstUse) {
  // Larger than any single read a pipe or short buffer would give.
  std::string big = "-- padding\n";
  while (big.size() < 300'000) big += "INSERT INTO t VALUES ('" + std::string(100, 'x') + "');\n";
  Write("sqlite/0001_big.up.sql", big);
  Write("sqlite/0001_big.down.sql", "DROP TABLE t;");
  Write("sqlite/0002_gone.up.sql", "SELECT 1;");
  Write("sqlite/0002_gone.down.sql", "SELECT 2;");
  const auto set = LoadMigrationDirectory(root_.string(), Backend::kSqlite);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0].up_sql, big);
  // Down files are read when first needed: an edit before then is what runs,
  // and a file gone by then is an error naming it.
  Write("sqlite/0001_big.down.sql", "-- strata:no-transaction\nDROP TABLE t;");
  EXPECT_FALSE(set[0].down_transactional());
  EXPECT_EQ(set[0].down_sql(), "-- strata:no-transaction\nDROP TABLE t;");
  fs::remove(root_ / "sqlite/0002_gone.down.sql");
  EXPECT_TRUE(set[1].down_file.has_value());
  const std::string error = SchemaErrorOf([&] { set[1].down_sql(); });
  EXPECT_NE(error.find("cannot read migration file '" +
                       (root_ / "sqlite/0002_gone.down.sql").string() + "'"),
            std::string::npos)
      << error;
}

TEST(EmbeddedMigrationsTest, BothSetsLoadAndCarryTheSameVersionsAndNames) {
  const auto sqlite = EmbeddedMigrations(Backend::kSqlite);
  const auto postgres = EmbeddedMigrations(Backend::kPostgres);
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, postgres[i].version);
    EXPECT_EQ(sqlite[i].name, postgres[i].name);
  }
  EXPECT_EQ(LoadMigrations(StoreOptions{}).size(), sqlite.size());
}

// SQLite runs `x IN (a, b, c)` over three or more constants through a
// temporary b-tree, built in a trigger for every row: the write cost version
// 9 took out of the shipped triggers. Each trigger as the set leaves it (the
// last CREATE TRIGGER of its name) compares such lists term by term.
TEST(EmbeddedMigrationsTest, NoSqliteTriggerRunsAnInListOfThreeConstants) {
  static const std::regex kLongList(R"(\bIN\s*\(\s*'[^']*'\s*,\s*'[^']*'\s*,)",
                                    std::regex::ECMAScript | std::regex::icase);
  std::map<std::string, std::string> triggers;
  for (const Migration& m : EmbeddedMigrations(Backend::kSqlite)) {
    // Drops and creates in file order: a file drops a trigger, then makes it.
    static const std::regex either(R"(DROP TRIGGER (\w+);|CREATE TRIGGER (\w+)[\s\S]*?\nEND;)",
                                   std::regex::ECMAScript | std::regex::icase);
    for (auto it = std::sregex_iterator(m.up_sql.begin(), m.up_sql.end(), either);
         it != std::sregex_iterator(); ++it) {
      if ((*it)[1].matched) {
        triggers.erase((*it)[1].str());
      } else {
        triggers[(*it)[2].str()] = it->str();
      }
    }
  }
  EXPECT_GE(triggers.size(), 9u);
  for (const auto& [name, sql] : triggers) {
    EXPECT_FALSE(std::regex_search(sql, kLongList)) << name << " lists three or more constants";
  }
}

}  // namespace
}  // namespace strata::migrate
