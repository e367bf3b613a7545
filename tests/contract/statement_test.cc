// connection::Statement on every backend: every type it exchanges reads back
// as bound, NULLs and negative numbers included, on the statement's first
// execution and on the later ones of its cached preparation. And the bulk
// paths beneath CreateMany: a bulk transaction, a bulk insert.
#include <cstdint>
#include <memory>
#include <string>

#include "backends/prepared.h"
#include "connection/connection.h"
#include "store_fixture.h"

namespace strata::testing {
namespace {

using connection::Type;

class StatementTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    conn_ = std::make_unique<connection::Connection>(backends::Connect(options()));
  }
  bool postgres() const { return backend() == Backend::kPostgres; }
  std::unique_ptr<connection::Connection> conn_;
};

TEST_P(StatementTest, EveryTypeReadsTheSameOnEveryExecution) {
  // Integers of each width, a boolean (read as an integer, as the dialect
  // selects one), text, JSON: values bound, so that each execution can be
  // checked against what it was given.
  const std::string sql =
      postgres() ? "SELECT CAST(:a AS bigint), CAST(CAST(:b AS bigint) AS integer), "
                   "CAST(CAST(:c AS bigint) AS smallint), CAST(CAST(CAST(:d AS integer) AS "
                   "boolean) AS integer), "
                   "CAST(:e AS text), CAST(:f AS json), CAST(:g AS jsonb), CAST(NULL AS bigint), "
                   "CAST(NULL AS text), CAST(:h AS varchar)"
                 : "SELECT :a, :b, :c, :d, :e, :f, :g, NULL, NULL, :h";
  const std::vector<Type> params = {Type::kInt,  Type::kInt,  Type::kInt,  Type::kInt,
                                    Type::kText, Type::kText, Type::kText, Type::kText};
  const std::vector<Type> columns = {Type::kInt,  Type::kInt,  Type::kInt,  Type::kInt,
                                     Type::kText, Type::kText, Type::kText, Type::kInt,
                                     Type::kText, Type::kText};
  for (const std::int64_t n : {std::int64_t{-1'767'225'600'123'457}, std::int64_t{42},
                               std::int64_t{-1}, std::int64_t{0}}) {
    const std::int32_t n32 = static_cast<std::int32_t>(n % 2'000'000'000);
    const std::int16_t n16 = static_cast<std::int16_t>(n % 30'000);
    const bool flag = n % 2 != 0;
    connection::Statement& st = conn_->Prepare(sql, params, columns);
    st.Int(n).Int(n32).Int(n16).Int(flag ? 1 : 0);
    st.Text("text é " + std::to_string(n)).Text(R"({"b": 1,  "a": [2]})");
    st.Text(R"({"k": "v"})").Text("v");
    ASSERT_TRUE(st.Execute()) << n;
    EXPECT_EQ(st.GetInt(0), n);
    EXPECT_EQ(st.GetInt(1), n32);
    EXPECT_EQ(st.GetInt(2), n16);
    EXPECT_EQ(st.GetInt(3), flag ? 1 : 0) << n;
    EXPECT_EQ(st.GetText(4), "text é " + std::to_string(n));
    EXPECT_EQ(st.GetText(5), R"({"b": 1,  "a": [2]})") << "json comes back byte-identical";
    EXPECT_EQ(st.GetText(6), R"({"k": "v"})");
    EXPECT_EQ(st.GetInt(7), 0) << "NULL reads as 0";
    EXPECT_TRUE(st.IsNull(7));
    EXPECT_FALSE(st.IsNull(0));
    EXPECT_EQ(st.GetText(8), "") << "NULL reads as \"\"";
    EXPECT_TRUE(st.IsNull(8));
    EXPECT_EQ(st.GetText(9), "v");
    // An integer read as text gives its digits, as a text result would.
    EXPECT_EQ(st.GetText(0), std::to_string(n));
    EXPECT_EQ(st.GetText(7), "");
    EXPECT_FALSE(st.Next());
    st.Finish();
  }
}

TEST_P(StatementTest, ColumnsOfOtherTypesReadAsTheirText) {
  // PostgreSQL: numeric and interval have no binary reading here, so the
  // statement keeps text results. SQLite: a REAL reads as its text.
  const std::string sql = postgres() ? "SELECT CAST(:a AS numeric) / 4, CAST(:b AS bigint) * "
                                       "INTERVAL '1 second', CAST(:c AS bigint)"
                                     : "SELECT CAST(:a AS REAL) / 4, :b || ' s', :c";
  const char* const quarters[] = {"2.5", "2.75", "3.0"};
  for (int round = 0; round < 3; ++round) {
    connection::Statement& st = conn_->Prepare(sql, {Type::kInt, Type::kInt, Type::kInt},
                                               {Type::kText, Type::kText, Type::kInt});
    st.Int(10 + round).Int(round).Int(-7 - round);
    ASSERT_TRUE(st.Execute());
    const std::string quarter = quarters[round];
    EXPECT_EQ(st.GetText(0),
              postgres() ? quarter + std::string(18 - quarter.size(), '0') : quarter);
    EXPECT_EQ(st.GetText(1),
              postgres() ? "00:00:0" + std::to_string(round) : std::to_string(round) + " s");
    EXPECT_EQ(st.GetInt(2), -7 - round);
    st.Finish();
  }
}

TEST_P(StatementTest, AKeptTextFindsItsStatementByIdAndSharesItWithTheText) {
  const connection::StatementText doubled("SELECT 2 * CAST(:n AS bigint)");
  const connection::StatementText tripled("SELECT 3 * CAST(:n AS bigint)");
  connection::Statement& by_text = conn_->Prepare(doubled.sql(), {Type::kInt}, {Type::kInt});
  connection::Statement& by_id = conn_->Prepare(doubled, {Type::kInt}, {Type::kInt});
  EXPECT_EQ(&by_id, &by_text) << "one preparation per SQL text, however it is asked for";
  EXPECT_EQ(&conn_->Prepare(doubled, {Type::kInt}, {Type::kInt}), &by_id);
  // Another id is another text: its own statement, never the first one's.
  connection::Statement& other = conn_->Prepare(tripled, {Type::kInt}, {Type::kInt});
  ASSERT_NE(&other, &by_id);
  for (const std::int64_t n : {std::int64_t{7}, std::int64_t{-5}}) {
    ASSERT_TRUE(by_id.Int(n).Execute());
    EXPECT_EQ(by_id.GetInt(0), 2 * n);
    by_id.Finish();
    ASSERT_TRUE(other.Int(n).Execute());
    EXPECT_EQ(other.GetInt(0), 3 * n);
    other.Finish();
  }
}

// A bulk transaction (NativeConnection::SetBulkTransaction) writes and
// commits, or rolls back, as any other; on SQLite its statement journals
// stay in memory while it runs, and only then.
TEST_P(StatementTest, ABulkTransactionJournalsInMemoryOnlyWhileItRuns) {
  const auto number = [&](const std::string& sql) {
    connection::Statement& st = conn_->Prepare(sql, {}, {Type::kInt});
    st.Execute();
    const std::int64_t value = st.GetInt(0);
    st.Finish();
    return value;
  };
  const auto temp_store = [&] { return number("PRAGMA temp_store"); };
  conn_->Exec("CREATE TABLE bulk_rows (id integer)");
  for (const bool commit : {true, false}) {
    conn_->BeginWrite(/*bulk=*/true);
    if (!postgres()) {
      EXPECT_EQ(temp_store(), 2) << "MEMORY";
    }
    conn_->Exec("INSERT INTO bulk_rows (id) VALUES (1)");
    conn_->Exec(commit ? "COMMIT" : "ROLLBACK");
    conn_->EndBulkWrite();
    if (!postgres()) {
      EXPECT_EQ(temp_store(), 0) << "DEFAULT again";
    }
  }
  EXPECT_EQ(number("SELECT count(*) FROM bulk_rows"), 1)
      << "the first committed, the second rolled back";
  conn_->BeginWrite();
  if (!postgres()) {
    EXPECT_EQ(temp_store(), 0);
  }
  conn_->Exec("ROLLBACK");
  conn_->Exec("DROP TABLE bulk_rows");
}

// A bulk insert of more rows than one group of SQLite's holds (8 to a
// statement), and a second one whose last rows are fewer: every row once,
// as bound.
TEST_P(StatementTest, ABulkInsertStoresEveryRowOfEveryGroup) {
  conn_->Exec("CREATE TABLE bulk_rows (id integer, name text)");
  for (const int rows : {70, 5}) {
    std::unique_ptr<backends::BulkInsert> bulk =
        conn_->native().BulkInsertInto("bulk_rows", {"id", "name"});
    for (int i = 0; i < rows; ++i) {
      bulk->Int(i).Text("row " + std::to_string(i));
      bulk->EndRow();
    }
    bulk->Finish();
  }
  connection::Statement& st = conn_->Prepare(
      "SELECT count(*), count(DISTINCT id), sum(id), min(name), max(name) FROM "
      "bulk_rows",
      {}, {Type::kInt, Type::kInt, Type::kInt, Type::kText, Type::kText});
  ASSERT_TRUE(st.Execute());
  EXPECT_EQ(st.GetInt(0), 75);
  EXPECT_EQ(st.GetInt(1), 70);
  EXPECT_EQ(st.GetInt(2), 69 * 70 / 2 + 4 * 5 / 2);
  EXPECT_EQ(st.GetText(3), "row 0");
  EXPECT_EQ(st.GetText(4), "row 9");
  st.Finish();
  conn_->Exec("DROP TABLE bulk_rows");
}

STRATA_BACKEND_TEST_SUITE(StatementTest);

}  // namespace
}  // namespace strata::testing
