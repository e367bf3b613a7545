#include "migrate/lint.h"

#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "migrate/sql_splitter.h"

namespace strata {

std::string LintFinding::Describe() const {
  return file + ":" + std::to_string(line) + ": " + rule + ": " + why + " (" + lock + "); " + fix +
         "; or silence it with '-- strata:lint-ignore " + rule + "'";
}

}  // namespace strata

namespace strata::migrate {
namespace {

// A rule's text; Check decides which statements break it (the pg- rules
// on PostgreSQL only).
struct Rule {
  const char* id;
  const char* lock;
  const char* why;
  const char* fix;
};

constexpr Rule kCreateIndex = {
    "pg-create-index-blocking",
    "SHARE on the table: INSERT, UPDATE and DELETE wait until the index is built",
    "CREATE INDEX without CONCURRENTLY on an existing table",
    "use CREATE INDEX CONCURRENTLY in a file of its own that starts with "
    "'-- strata:no-transaction'"};
constexpr Rule kAlterType = {
    "pg-alter-column-type",
    "ACCESS EXCLUSIVE on the table: reads and writes wait while every row is rewritten",
    "ALTER COLUMN ... TYPE rewrites the table (and its indexes)",
    "add a column of the new type, backfill it in batches, then switch readers to it and drop "
    "the old one in a later migration"};
constexpr Rule kVolatileDefault = {
    "pg-add-column-volatile-default",
    "ACCESS EXCLUSIVE on the table: reads and writes wait while every row is rewritten",
    "ADD COLUMN with a volatile DEFAULT (random(), clock_timestamp(), gen_random_uuid(), "
    "nextval()) fills every row",
    "add the column without a default, backfill it in batches, then SET DEFAULT"};
constexpr Rule kValidate = {
    "pg-add-constraint-validating",
    "SHARE ROW EXCLUSIVE (a foreign key) or ACCESS EXCLUSIVE (a CHECK) on the table while "
    "every row is checked",
    "ADD CONSTRAINT ... FOREIGN KEY or CHECK without NOT VALID scans the whole table under "
    "the lock",
    "add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (that takes only SHARE "
    "UPDATE EXCLUSIVE)"};
constexpr Rule kSetNotNull = {
    "pg-set-not-null", "ACCESS EXCLUSIVE on the table while every row is checked",
    "ALTER COLUMN ... SET NOT NULL scans the whole table under the lock",
    "add CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration, "
    "then SET NOT NULL (PostgreSQL uses the valid check instead of a scan) and drop the check"};
constexpr Rule kDrop = {
    "drop-without-revert", "the dropped object's data is gone",
    "DROP of a table, column or index that the down file does not create again",
    "write a down file that recreates it (and keep a copy of the data if it matters)"};

// `sql` in upper case, comments and string literals removed, runs of
// whitespace as one space; quoted identifiers keep their text, unquoted.
std::string Normalized(std::string_view sql) {
  std::string out;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 1;
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (c == '\'') {
      const std::size_t end = sql.find('\'', i + 1);
      i = end == std::string_view::npos ? sql.size() : end;
      out += "''";
    } else if (c == '"') {
      continue;
    } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The word after `keyword ` in `text` (from `from`), without a schema
// qualifier or trailing punctuation; "" when there is none.
std::string WordAfter(const std::string& text, std::string_view keyword, std::size_t from = 0) {
  const std::size_t at = text.find(std::string(keyword) + " ", from);
  if (at == std::string::npos) return "";
  std::size_t start = at + keyword.size() + 1;
  for (const std::string_view skip : {"IF NOT EXISTS ", "IF EXISTS ", "ONLY ", "CONCURRENTLY "}) {
    if (text.compare(start, skip.size(), skip) == 0) start += skip.size();
  }
  std::size_t end = start;
  while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 ||
                               text[end] == '_' || text[end] == '.')) {
    ++end;
  }
  std::string word = text.substr(start, end - start);
  const std::size_t dot = word.rfind('.');
  return dot == std::string::npos ? word : word.substr(dot + 1);
}

// The rules a statement silences: "strata:lint-ignore a, b" in its text.
std::set<std::string> Silenced(std::string_view chunk) {
  std::set<std::string> ids;
  constexpr std::string_view kMarker = "strata:lint-ignore";
  for (std::size_t at = chunk.find(kMarker); at != std::string_view::npos;
       at = chunk.find(kMarker, at + 1)) {
    std::size_t i = at + kMarker.size();
    for (;;) {
      while (i < chunk.size() && (chunk[i] == ' ' || chunk[i] == ',' || chunk[i] == '\t')) ++i;
      const std::size_t start = i;
      while (i < chunk.size() && (std::isalnum(static_cast<unsigned char>(chunk[i])) != 0 ||
                                  chunk[i] == '-' || chunk[i] == '_')) {
        ++i;
      }
      if (i == start) break;
      ids.emplace(chunk.substr(start, i - start));
    }
  }
  return ids;
}

// The rules statement `s` breaks; `created` holds the tables the file
// created before it (empty: nothing to block), `down` the normalized down
// file ("" when there is none).
std::vector<const Rule*> Check(const std::string& s, const std::set<std::string>& created,
                               const std::string& down, bool postgres) {
  std::vector<const Rule*> broken;
  const auto existing = [&](const std::string& table) {
    return !table.empty() && created.count(table) == 0;
  };
  if (postgres && (s.starts_with("CREATE INDEX ") || s.starts_with("CREATE UNIQUE INDEX ")) &&
      !Contains(s, " CONCURRENTLY ") && existing(WordAfter(s, " ON"))) {
    broken.push_back(&kCreateIndex);
  }
  if (s.starts_with("ALTER TABLE ")) {
    const std::string table = WordAfter(s, "ALTER TABLE");
    if (postgres && existing(table)) {
      if (Contains(s, " ALTER COLUMN ") && Contains(s, " TYPE ")) broken.push_back(&kAlterType);
      if (Contains(s, " ADD ") && Contains(s, " DEFAULT ")) {
        for (const std::string_view f : {"RANDOM(", "CLOCK_TIMESTAMP(", "GEN_RANDOM_UUID(",
                                         "UUID_GENERATE_V4(", "NEXTVAL(", "TIMEOFDAY("}) {
          if (Contains(s, f)) {
            broken.push_back(&kVolatileDefault);
            break;
          }
        }
      }
      if ((Contains(s, " FOREIGN KEY ") || Contains(s, " REFERENCES ") || Contains(s, " CHECK ")) &&
          Contains(s, " ADD ") && !Contains(s, " NOT VALID")) {
        broken.push_back(&kValidate);
      }
      if (Contains(s, " SET NOT NULL")) broken.push_back(&kSetNotNull);
    }
    const std::size_t drop = s.find(" DROP COLUMN ");
    if (drop != std::string::npos) {
      const std::string column = WordAfter(s, " DROP COLUMN", drop);
      if (down.empty() || !(Contains(down, "ADD COLUMN " + column) ||
                            Contains(down, "ADD COLUMN IF NOT EXISTS " + column) ||
                            Contains(down, "ADD " + column + " "))) {
        broken.push_back(&kDrop);
      }
    }
  }
  for (const std::string_view kind : {"TABLE", "INDEX"}) {
    const std::string drop = "DROP " + std::string(kind);
    if (!s.starts_with(drop + " ")) continue;
    const std::string name = WordAfter(s, drop);
    const bool recreated =
        !down.empty() &&
        (Contains(down, "CREATE " + std::string(kind) + " " + name) ||
         Contains(down, "CREATE UNIQUE INDEX " + name) || Contains(down, " EXISTS " + name));
    if (!recreated) broken.push_back(&kDrop);
  }
  return broken;
}

// The silences of the project's own set, which cannot go into its files:
// they are applied, and a comment added now would change their checksums.
// Each says why the finding does not hurt.
struct EmbeddedSilence {
  Backend backend;
  std::int64_t version;
  const char* rule;
  const char* why;
};
constexpr EmbeddedSilence kEmbeddedSilences[] = {
    {Backend::kPostgres, 8, "pg-create-index-blocking",
     "services holds a row per service (hundreds, not millions): each index builds in "
     "milliseconds, and the file predates lint"},
};

bool SilencedInEmbeddedSet(const Migration& m, Backend backend, std::string_view rule) {
  if (!m.up_file.starts_with("embedded:")) return false;
  for (const EmbeddedSilence& s : kEmbeddedSilences) {
    if (s.backend == backend && s.version == m.version && rule == s.rule) return true;
  }
  return false;
}

}  // namespace

std::vector<LintFinding> LintMigration(const Migration& m, Backend backend) {
  const bool postgres = backend == Backend::kPostgres;
  std::string down;
  if (m.down_file) down = Normalized(m.down_sql());
  std::set<std::string> created;
  std::vector<LintFinding> findings;
  for (const SqlChunk& chunk : SplitStatements(m.up_sql, backend)) {
    const std::string s = Normalized(chunk.text);
    const std::set<std::string> silenced = Silenced(chunk.text);
    for (const Rule* rule : Check(s, created, down, postgres)) {
      if (silenced.count(rule->id) != 0 || SilencedInEmbeddedSet(m, backend, rule->id)) continue;
      LintFinding f;
      f.rule = rule->id;
      f.version = m.version;
      f.name = m.name;
      f.file = m.up_file;
      f.line = chunk.line;
      f.lock = rule->lock;
      f.why = rule->why;
      f.fix = rule->fix;
      findings.push_back(std::move(f));
    }
    if (s.starts_with("CREATE TABLE ")) created.insert(WordAfter(s, "CREATE TABLE"));
  }
  return findings;
}

}  // namespace strata::migrate
