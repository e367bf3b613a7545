#include "migrate/sql_splitter.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "base/ascii.h"

namespace strata::migrate {
namespace {

std::vector<std::string> Statements(std::string_view script, Backend dialect) {
  std::vector<std::string> out;
  for (const SqlChunk& chunk : SplitStatements(script, dialect)) out.emplace_back(chunk.text);
  return out;
}

std::string Join(const std::vector<SqlChunk>& chunks) {
  std::string out;
  for (const SqlChunk& chunk : chunks) out += chunk.text;
  return out;
}

TEST(SqlSplitterTest, SplitsOnTopLevelSemicolonsKeepingEachOne) {
  EXPECT_EQ(Statements("CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n", Backend::kSqlite),
            (std::vector<std::string>{"CREATE TABLE a (x int);", "\nCREATE TABLE b (y int);"}));
  EXPECT_EQ(Statements("SELECT 1", Backend::kPostgres), (std::vector<std::string>{"SELECT 1"}));
  EXPECT_TRUE(Statements("  -- nothing\n/* at all */\n", Backend::kPostgres).empty());
}

TEST(SqlSplitterTest, QuotesHideSemicolons) {
  const char* script =
      "INSERT INTO t VALUES ('a;b', 'it''s; fine');\n"
      "CREATE TABLE \"we;ird\"\"name\" (x int);\n";
  for (Backend d : {Backend::kSqlite, Backend::kPostgres}) {
    const auto statements = Statements(script, d);
    ASSERT_EQ(statements.size(), 2u);
    EXPECT_EQ(statements[0], "INSERT INTO t VALUES ('a;b', 'it''s; fine');");
  }
}

TEST(SqlSplitterTest, CommentsHideSemicolonsAndQuotes) {
  const char* script = "SELECT 1; -- a ; comment with a ' quote\nSELECT 2 /* ; ' */;";
  EXPECT_EQ(Statements(script, Backend::kPostgres).size(), 2u);
  EXPECT_EQ(Statements(script, Backend::kSqlite).size(), 2u);
}

TEST(SqlSplitterTest, PostgresBlockCommentsNestSqliteOnesDoNot) {
  const char* script = "/* outer /* inner */ still comment; */ SELECT 1; SELECT 2;";
  EXPECT_EQ(Statements(script, Backend::kPostgres).size(), 2u);
  // SQLite ends the comment at the first */, so "still comment;" is code.
  EXPECT_EQ(Statements(script, Backend::kSqlite).size(), 3u);
}

TEST(SqlSplitterTest, PostgresEscapeStringsHonourBackslashes) {
  const auto statements =
      Statements("SELECT E'it\\'s; here'; SELECT 'a\\'; SELECT 3;", Backend::kPostgres);
  // E'...' escapes the quote; a standard string does not treat \ specially.
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "SELECT E'it\\'s; here';");
  EXPECT_EQ(statements[1], " SELECT 'a\\';");
}

TEST(SqlSplitterTest, DollarQuotedBodiesAreOneStatement) {
  const char* script = R"sql(
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  NEW.updated_at := now();  -- ; inside
  RAISE NOTICE 'a[1:2] $$ is not the end';
  RETURN NEW;
END;
$body$;
CREATE FUNCTION one() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
SELECT $1, a$b FROM t;
)sql";
  const auto chunks = SplitStatements(script, Backend::kPostgres);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].line, 2);
  EXPECT_TRUE(chunks[0].text.ends_with("$body$;"));
  EXPECT_EQ(chunks[1].line, 9);
  EXPECT_EQ(chunks[2].line, 10);
}

TEST(SqlSplitterTest, PostgresBeginAtomicBodies) {
  const char* script =
      "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC\n"
      "  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n"
      "  SELECT x;\n"
      "END;\n"
      "SELECT 1;";
  EXPECT_EQ(Statements(script, Backend::kPostgres).size(), 2u);
}

TEST(SqlSplitterTest, SqliteTriggerBodiesWithCase) {
  const char* script = R"sql(
CREATE TEMP TRIGGER IF NOT EXISTS touch AFTER UPDATE ON t
BEGIN
  UPDATE t SET n = CASE WHEN NEW.n > 0 THEN 1 ELSE 0 END WHERE id = NEW.id;
  INSERT INTO audit VALUES ('end; begin');
END;
CREATE TABLE [odd;name] (`x;y` int);
BEGIN;
)sql";
  const auto chunks = SplitStatements(script, Backend::kSqlite);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_TRUE(chunks[0].text.ends_with("END;"));
  EXPECT_EQ(chunks[1].line, 7);
  EXPECT_EQ(chunks[2].line, 8);
}

TEST(SqlSplitterTest, LinesCountNewlinesInsideQuotesAndComments) {
  const char* script = "/* one\ntwo */\nSELECT 'a\nb';\n\n-- c\nSELECT 2;";
  const auto chunks = SplitStatements(script, Backend::kPostgres);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].line, 3);
  EXPECT_EQ(chunks[1].line, 7);
}

TEST(SqlSplitterTest, UnterminatedQuoteRunsToTheEnd) {
  EXPECT_EQ(Statements("SELECT 'open; SELECT 2;", Backend::kSqlite).size(), 1u);
  EXPECT_EQ(Statements("SELECT $x$ open; SELECT 2;", Backend::kPostgres).size(), 1u);
  EXPECT_EQ(Statements("SELECT 1 /* open; SELECT 2;", Backend::kPostgres).size(), 1u);
}

// Randomised: any text of tricky fragments splits without crashing, the chunks
// put back together are the input, and every chunk but the last ends in ';'.
TEST(SqlSplitterTest, RandomScriptsRoundTrip) {
  const std::vector<std::string> fragments = {
      "'",      "''",       "\"",      "$$",       "$a$",  "$1",      "--",    "/*",  "*/",
      ";",      "\n",       " ",       "\\",       "E'",   "e",       "BEGIN", "END", "CASE",
      "ATOMIC", "CREATE",   "TRIGGER", "FUNCTION", "OR",   "REPLACE", "[",     "]",   "`",
      "x",      "SELECT 1", "\r\n",    "\xc3\xa9", "TEMP", "a$b"};
  std::mt19937 rng(20261121);
  for (int i = 0; i < 20000; ++i) {
    std::string script;
    const int length = static_cast<int>(rng() % 40);
    for (int j = 0; j < length; ++j) script += fragments[rng() % fragments.size()];
    for (Backend d : {Backend::kSqlite, Backend::kPostgres}) {
      const auto chunks = SplitSql(script, d);
      ASSERT_EQ(Join(chunks), script) << script;
      std::size_t offset = 0;
      for (std::size_t k = 0; k < chunks.size(); ++k) {
        ASSERT_EQ(chunks[k].offset, offset) << script;
        ASSERT_FALSE(chunks[k].text.empty()) << script;
        if (k + 1 < chunks.size()) {
          ASSERT_TRUE(chunks[k].text.ends_with(";")) << script;
        }
        offset += chunks[k].text.size();
      }
    }
  }
}

TEST(TransactionRefusalTest, TransactionControlIsRefusedOnBothBackends) {
  for (Backend d : {Backend::kSqlite, Backend::kPostgres}) {
    for (const char* statement : {"BEGIN;", "begin transaction;", "COMMIT", "END;", "ROLLBACK;",
                                  "START TRANSACTION;", "/* why */ commit;"}) {
      const auto refusal = TransactionRefusal(statement, d);
      ASSERT_TRUE(refusal.has_value()) << statement;
      EXPECT_NE(refusal->find("strata:no-transaction"), std::string::npos) << *refusal;
    }
    EXPECT_FALSE(TransactionRefusal("ROLLBACK TO SAVEPOINT s;", d));
    EXPECT_FALSE(TransactionRefusal("SAVEPOINT s;", d));
    EXPECT_FALSE(TransactionRefusal("CREATE TABLE begin_log (x int);", d));
  }
}

TEST(TransactionRefusalTest, PostgresStatementsThatCannotRunInATransaction) {
  for (const char* statement :
       {"CREATE INDEX CONCURRENTLY i ON t (x);", "create unique index concurrently i on t (x);",
        "DROP INDEX CONCURRENTLY i;", "REINDEX INDEX CONCURRENTLY i;", "VACUUM t;",
        "CREATE DATABASE x;", "ALTER SYSTEM SET work_mem = '8MB';",
        "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;", "REINDEX (VERBOSE) TABLE CONCURRENTLY t;",
        "ALTER TABLE ONLY public.p DETACH PARTITION public.c CONCURRENTLY;",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x);"}) {
    const auto refusal = TransactionRefusal(statement, Backend::kPostgres);
    ASSERT_TRUE(refusal.has_value()) << statement;
    EXPECT_NE(refusal->find("-- strata:no-transaction"), std::string::npos);
  }
  EXPECT_EQ(*TransactionRefusal("CREATE INDEX CONCURRENTLY i ON t (x)", Backend::kPostgres),
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction: move it to a migration "
            "whose first line is -- strata:no-transaction");
  EXPECT_FALSE(TransactionRefusal("CREATE INDEX i ON t (x);", Backend::kPostgres));
  EXPECT_FALSE(
      TransactionRefusal("COMMENT ON TABLE t IS 'VACUUM CONCURRENTLY';", Backend::kPostgres));
  // Only an index, REINDEX or ALTER TABLE is read past its third word.
  EXPECT_FALSE(
      TransactionRefusal("CREATE TABLE t (concurrently int, detach int);", Backend::kPostgres));
  EXPECT_FALSE(TransactionRefusal("CREATE INDEX i ON t (concurrently);", Backend::kSqlite));
}

TEST(SqlTextTest, ContainsIgnoringCase) {
  using base::ContainsIgnoringCase;
  EXPECT_TRUE(ContainsIgnoringCase("id int references t (id)", "REFERENCES"));
  EXPECT_TRUE(ContainsIgnoringCase("REFERENCES", "REFERENCES"));
  EXPECT_FALSE(ContainsIgnoringCase("id int referenc", "REFERENCES"));
  EXPECT_FALSE(ContainsIgnoringCase("", "REFERENCES"));
}

TEST(TransactionRefusalTest, SqlitePragmasThatAreIgnoredInATransaction) {
  EXPECT_TRUE(TransactionRefusal("PRAGMA foreign_keys = OFF;", Backend::kSqlite));
  EXPECT_TRUE(TransactionRefusal("pragma journal_mode=WAL;", Backend::kSqlite));
  EXPECT_TRUE(TransactionRefusal("VACUUM;", Backend::kSqlite));
  EXPECT_FALSE(TransactionRefusal("PRAGMA user_version = 3;", Backend::kSqlite));
}

}  // namespace
}  // namespace strata::migrate
